import { readFileSync } from 'node:fs';
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
const code = readFileSync('dist/public/meeting-room.js', 'utf8');
const map = new TraceMap(readFileSync('dist/public/meeting-room.js.map', 'utf8'));
const want = process.argv[2];
let out = '';
code.split('\n').forEach((l, i) => {
  let last = '';
  for (let c = 0; c < l.length; c++) {
    const p = originalPositionFor(map, { line: i + 1, column: c });
    if (p.source) last = p.source;
    if (last.endsWith(want)) out += l[c];
  }
});
console.log(out);
