/**
 * Fails loudly when `dist/` is older than the sources it is built from, so
 * that a suite or bench that runs the built server or the built embed file
 * never measures stale code when run on its own (`npm test` builds first).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** The newest modification time of the files below `dir` (milliseconds). */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

const BUILT = {
  server: { file: 'dist/server/index.js', sources: ['server', 'src/protocol'] },
  public: { file: 'dist/public/meeting-room.js', sources: ['src', 'demo'] },
};

/** Throws unless `dist/` holds a build of `kind` newer than every source file it comes from. */
export function assertFreshBuild(kind) {
  const { file, sources } = BUILT[kind];
  let built;
  try {
    built = statSync(join(root, file)).mtimeMs;
  } catch {
    throw new Error(`${file} is missing: run "npm run build" first`);
  }
  const changed = Math.max(...sources.map(newest));
  if (changed > built) {
    throw new Error(`${file} is older than the sources (${sources.join(', ')}): run "npm run build" first`);
  }
}
