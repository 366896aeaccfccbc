/**
 * Serving the embed over real HTTP: the built files (run after the build step)
 * go out compressed as the browser accepts, cached by kind (the entry briefly
 * and revalidated, content-hashed chunks for a year), with working ETags, and
 * readable from other origins.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { serverFor } from './helpers.js';
// @ts-expect-error: a plain ES module of the scripts, without types
import { assertFreshBuild } from '../../scripts/fresh-build.mjs';

const DIR = 'dist/public';
const CHUNK = readdirSync(DIR).find((f) => /^call-view-[\w-]{8}\.js$/.test(f));

interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A raw GET (or HEAD): no automatic decompression, the bytes as sent. */
function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the embed files over HTTP', () => {
  before(() => assertFreshBuild('public')); // this suite reads the built files
  it('the build wrote the call chunk', () => {
    assert.ok(CHUNK, `no call-view chunk in ${DIR}: run the build first`);
  });

  for (const [accept, encoding, decode] of [
    ['br, gzip, deflate', 'br', brotliDecompressSync],
    ['gzip, deflate', 'gzip', gunzipSync],
    ['', undefined, (b: Buffer) => b],
  ] as const) {
    it(`sends ${encoding ?? 'uncompressed'} bytes for Accept-Encoding "${accept}", the same file once decoded`, async (t) => {
      const srv = await serverFor(t, { staticDir: DIR });
      for (const file of ['meeting-room.js', CHUNK!]) {
        const res = await get(`${srv.url}/${file}`, accept ? { 'accept-encoding': accept } : {});
        assert.equal(res.status, 200, file);
        assert.equal(res.headers['content-encoding'], encoding, file);
        assert.match(res.headers['content-type'] ?? '', /javascript/, file);
        assert.match(res.headers['vary'] ?? '', /Accept-Encoding/i, file);
        assert.equal(res.headers['access-control-allow-origin'], '*', file);
        const original = readFileSync(`${DIR}/${file}`);
        assert.ok(decode(res.body).equals(original), `${file} decodes to the built file`);
        if (encoding) assert.ok(res.body.length < original.length / 2, `${file} is compressed (${res.body.length} B)`);
      }
    });
  }

  it('caches content-hashed chunks for a year, the entry briefly, pages not at all without revalidation', async (t) => {
    const srv = await serverFor(t, { staticDir: DIR });
    const cache = async (path: string) => (await get(`${srv.url}${path}`)).headers['cache-control'];
    assert.equal(await cache(`/${CHUNK}`), 'public, max-age=31536000, immutable');
    assert.equal(await cache(`/${CHUNK}.map`), 'public, max-age=31536000, immutable');
    assert.equal(await cache('/meeting-room.js'), 'public, max-age=300, must-revalidate');
    assert.equal(await cache('/'), 'no-cache');
    assert.equal((await get(`${srv.url}/`)).headers['access-control-allow-origin'], undefined, 'pages are not CORS');
  });

  it('answers a matching If-None-Match with 304 and no body, per encoding, keeping the cache headers', async (t) => {
    const srv = await serverFor(t, { staticDir: DIR });
    const url = `${srv.url}/meeting-room.js`;
    const br = await get(url, { 'accept-encoding': 'br' });
    const plain = await get(url);
    assert.ok(br.headers.etag && plain.headers.etag, 'ETags sent');
    assert.notEqual(br.headers.etag, plain.headers.etag, 'each encoding has its own ETag');
    const again = await get(url, { 'accept-encoding': 'br', 'if-none-match': br.headers.etag! });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    assert.equal(again.headers['cache-control'], 'public, max-age=300, must-revalidate');
    assert.match(again.headers['vary'] ?? '', /Accept-Encoding/i);
    const stale = await get(url, { 'accept-encoding': 'br', 'if-none-match': 'W/"1-1"' });
    assert.equal(stale.status, 200);
    assert.ok(stale.body.equals(br.body));
  });

  it('answers HEAD with the headers and no body', async (t) => {
    const srv = await serverFor(t, { staticDir: DIR });
    const res = await get(`${srv.url}/meeting-room.js`, { 'accept-encoding': 'gzip' }, 'HEAD');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.equal(res.body.length, 0);
  });
});
