/** JOIN tokens: HS256 JWTs with exp and a room claim, verified with jose. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { newId, startServer, TestClient, type TestServer } from './helpers.js';

const SECRET = 'test-secret-0123456789abcdef';
const key = new TextEncoder().encode(SECRET);
let srv: TestServer;
before(async () => (srv = await startServer({ authSecret: SECRET })));
after(() => srv.close());

async function token(
  claims: Record<string, unknown>,
  options: { exp?: number | null; secret?: Uint8Array; alg?: string } = {},
) {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? 'HS256' }).setIssuedAt();
  if (options.exp !== null) jwt.setExpirationTime(options.exp ?? Math.floor(Date.now() / 1000) + 60);
  return jwt.sign(options.secret ?? key);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('JOIN with MEETING_AUTH_SECRET set', () => {
  it('accepts a valid token; its name claim overrides the client name and its role is shown to peers', async () => {
    const r = `r-${newId()}`;
    const a = await TestClient.connect(srv.wsUrl);
    await a.join(r, { name: 'ignored', token: await token({ room: r, name: 'Dr. Ada', role: 'host' }) });
    const b = await TestClient.connect(srv.wsUrl);
    const welcome = await b.join(r, { name: 'Bob', token: await token({ room: r }) });
    assert.deepEqual(welcome.peers, [
      {
        clientId: a.clientId,
        name: 'Dr. Ada',
        role: 'host',
        audioEnabled: true,
        videoEnabled: true,
        handRaisedAt: null,
        screenSharing: false,
      },
    ]);
    const joined = await a.next('JOIN');
    assert.equal(joined['name'], 'Bob');
    assert.equal(joined['role'], undefined);
    await Promise.all([a.close(), b.close()]);
  });

  it('tolerates a few seconds of clock skew on exp', async () => {
    const r = `r-${newId()}`;
    const a = await TestClient.connect(srv.wsUrl);
    await a.join(r, { token: await token({ room: r }, { exp: Math.floor(Date.now() / 1000) - 2 }) });
    await a.close();
  });

  const refused: [string, (room: string) => Promise<string | undefined>][] = [
    ['missing', async () => undefined],
    ['expired', (r) => token({ room: r }, { exp: Math.floor(Date.now() / 1000) - 60 })],
    ['for another room', () => token({ room: 'elsewhere' })],
    ['without a room claim', () => token({})],
    ['without exp', (r) => token({ room: r }, { exp: null })],
    [
      'signed with another secret',
      (r) => token({ room: r }, { secret: new TextEncoder().encode('another-secret-0123456789') }),
    ],
    ['signed with HS512', (r) => token({ room: r }, { alg: 'HS512' })],
    [
      'with alg none',
      async (r) => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ room: r, exp: Math.floor(Date.now() / 1000) + 60 })}.`,
    ],
    ['that is not a JWT', async () => 'not-a-jwt'],
  ];
  for (const [what, make] of refused) {
    it(`refuses a token ${what} with unauthorized; the socket stays open and learns nothing`, async () => {
      const r = `r-${newId()}`;
      const insider = await TestClient.connect(srv.wsUrl);
      await insider.join(r, { token: await token({ room: r }) });
      const a = await TestClient.connect(srv.wsUrl);
      const bad = await make(r);
      const error = await a.expectError(
        {
          type: 'JOIN',
          room: r,
          clientId: a.clientId,
          audioEnabled: true,
          videoEnabled: true,
          ...(bad === undefined ? {} : { token: bad }),
        },
        'unauthorized',
      );
      assert.equal(error['ref'], 'JOIN');
      if (bad) assert.ok(!String(error['message']).includes(bad), 'the token is not echoed');
      assert.deepEqual(await insider.drain(50), [], 'the room was not told');
      await a.join(r, { token: await token({ room: r }) });
      await Promise.all([a.close(), insider.close()]);
    });
  }
});
