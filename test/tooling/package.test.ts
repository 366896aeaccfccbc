/**
 * The package as users get it: typings for React, server-side imports that
 * touch no DOM, and `npm pack` installed into an empty project whose every
 * export imports and whose `bin` serves /healthz.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { listeningPort } from '../server/helpers.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
  name: string;
  exports: Record<string, string | { default: string }>;
  bin: Record<string, string>;
};
// Every JavaScript entry but the self-contained browser bundle, which is a <script> for pages, not a module for Node.
const jsExports = Object.entries(pkg.exports)
  .filter(([, target]) => {
    const file = typeof target === 'string' ? target : target.default;
    return file.endsWith('.js') && !file.startsWith('./dist/public/');
  })
  .map(([key]) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`));

/** A Node script that imports every export and reports whether a DOM appeared. */
const importEverything = (specifiers: string[]) => `
  const before = new Set(Object.getOwnPropertyNames(globalThis));
  const loaded = {};
  for (const s of ${JSON.stringify(specifiers)}) loaded[s] = Object.keys(await import(s)).length;
  const added = Object.getOwnPropertyNames(globalThis).filter((k) => !before.has(k));
  console.log(JSON.stringify({
    loaded,
    window: typeof window,
    document: typeof document,
    customElements: typeof customElements,
    added,
  }));
`;

describe('package', () => {
  it('types <meeting-room> for React 19 TSX (and rejects wrong attributes)', async () => {
    await run(process.execPath, [
      join(root, 'node_modules/typescript/bin/tsc'),
      '-p',
      join(root, 'test/types/tsconfig.json'),
    ]);
  });

  it('imports every entry in Node (server-side rendering) without touching window or document', async () => {
    assert.ok(existsSync(join(root, 'dist/src/define.js')), 'run `npm run build` first');
    // Self-reference: the package imports itself by name through its own exports.
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', importEverything(jsExports)], {
      cwd: root,
    });
    const result = JSON.parse(stdout) as {
      loaded: Record<string, number>;
      window: string;
      document: string;
      customElements: string;
      added: string[];
    };
    assert.deepEqual(Object.keys(result.loaded).sort(), [...jsExports].sort());
    assert.equal(result.window, 'undefined');
    assert.equal(result.document, 'undefined');
    // Lit's Node build installs a customElements registry shim (@lit-labs/ssr-dom-shim) for server rendering.
    assert.equal(result.customElements, 'object');
    assert.ok(result.loaded[`${pkg.name}/core`]! > 0 && result.loaded[`${pkg.name}/server`]! > 0);
    // Besides that shim, Lit records its versions and metadata on globalThis; nothing else may appear.
    const lit = /Versions$|^litPropertyMetadata$|^litServerRoot$|^customElements$/;
    assert.deepEqual(
      result.added.filter((k) => !lit.test(k)),
      [],
    );
  });

  it('packs, installs into an empty project, imports every export and runs the bin', { timeout: 180_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meeting-room-pack-'));
    try {
      const { stdout: packed } = await run('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: root });
      const tarball = join(dir, packed.trim().split('\n').pop()!);
      await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
      await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--omit=dev', tarball], { cwd: dir });
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', importEverything(jsExports)], {
        cwd: dir,
      });
      const result = JSON.parse(stdout) as { loaded: Record<string, number>; window: string };
      assert.deepEqual(Object.keys(result.loaded).sort(), [...jsExports].sort());
      assert.equal(result.window, 'undefined');
      for (const file of [
        'custom-elements.json',
        'dist/public/meeting-room.js',
        'dist/public/meeting-room.js.map',
        'dist/src/define.d.ts',
        'dist/src/ui/jsx.d.ts',
      ]) {
        assert.ok(existsSync(join(dir, 'node_modules', pkg.name, file)), `${file} is in the package`);
      }
      assert.ok(!existsSync(join(dir, 'node_modules', pkg.name, 'test')), 'tests are not shipped');

      const bin = Object.keys(pkg.bin)[0]!;
      const child = spawn(join(dir, 'node_modules/.bin', bin), [], {
        cwd: dir,
        env: { ...process.env, PORT: '0', LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      try {
        const { port } = await listeningPort(child);
        const health = await fetch(`http://127.0.0.1:${port}/healthz`);
        assert.equal(health.status, 200);
        const embed = await fetch(`http://127.0.0.1:${port}/meeting-room.js`);
        assert.equal(embed.status, 200);
        assert.match(embed.headers.get('content-type') ?? '', /javascript/);
      } finally {
        child.kill('SIGTERM');
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
