/**
 * What the README's screenshots are made of: the element's views, styles and
 * strings (src/ui) and the demo pages. Its hash is written beside the pictures
 * by `npm run screenshots`; test/tooling/screenshots.test.ts fails when the
 * look changed since, so the README never shows an old look for long.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
export const SCREENSHOTS = join(root, 'docs', 'screenshots');
const LOOK = ['src/ui', 'demo'];

export function lookHash() {
  const hash = createHash('sha256');
  const files = LOOK.flatMap((dir) =>
    readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile())
      .map((e) => relative(root, join(e.parentPath, e.name))),
  ).sort();
  for (const file of files)
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(root, file)))
      .update('\0');
  return hash.digest('hex');
}
