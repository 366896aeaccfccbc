/**
 * What the server writes to its log at the most verbose level: never a join
 * token, a resume token or a TURN credential, through every path that handles
 * them (join with a token, TURN credentials in WELCOME, a resume, a refused
 * resume, a bad token).
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { createMeetingServer } from '../../server/app.js';
import { createLogger } from '../../server/log.js';
import { Metrics } from '../../server/metrics.js';
import { testConfig, TestClient } from './helpers.js';

const AUTH_SECRET = 'logging-test-secret-0123456789abcdef';
const TURN_SECRET = 'turn-secret-never-in-a-log';

describe('logging', () => {
  it('at trace level the log holds no join token, resume token or TURN credential', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const config = testConfig({
      logLevel: 'trace',
      authSecret: AUTH_SECRET,
      turn: { secret: TURN_SECRET, urls: ['turn:127.0.0.1:3478'], ttlSeconds: 600 },
    });
    const server = createMeetingServer(config, {
      log: createLogger('trace', sink),
      metrics: new Metrics({ defaultMetrics: false }),
    });
    const { port } = await server.listen();
    const wsUrl = `ws://127.0.0.1:${port}/ws`;
    try {
      const token = await new SignJWT({ room: 'logged', name: 'Ada' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(AUTH_SECRET));
      const ada = await TestClient.connect(wsUrl);
      const welcome = await ada.join('logged', { token });
      const credentials = (welcome.iceServers ?? [])
        .map((s) => (s as { credential?: string }).credential)
        .filter(Boolean);
      assert.equal(credentials.length, 1, 'WELCOME carried a TURN credential');
      // A resume on a new socket, a resume with a wrong token, and a forged join token.
      const again = await TestClient.connect(wsUrl);
      again.clientId = ada.clientId;
      await again.join('logged', { token, resumeToken: ada.resumeToken });
      const wrong = await TestClient.connect(wsUrl);
      wrong.clientId = ada.clientId;
      await assert.rejects(wrong.join('logged', { token, resumeToken: `${ada.resumeToken}x` }));
      const forged = await TestClient.connect(wsUrl);
      await assert.rejects(forged.join('logged', { token: `${token.slice(0, -4)}AAAA` }));
      for (const c of [ada, again, wrong, forged]) c.ws.close();
      await new Promise((r) => setTimeout(r, 100));

      const log = lines.join('');
      assert.ok(log.includes('"member joined"') && log.includes('"member resumed"'), 'the log followed the joins');
      assert.ok(log.includes(ada.clientId), 'the log is about these clients');
      for (const [what, secret] of [
        ['the join token', token],
        ['the signature of the join token', token.split('.')[2]!],
        ['the resume token', welcome.resumeToken],
        ['the TURN credential', credentials[0]!],
        ['the TURN secret', TURN_SECRET],
        ['the auth secret', AUTH_SECRET],
      ] as const) {
        assert.ok(!log.includes(secret), `${what} is in the log`);
      }
    } finally {
      await server.close();
    }
  });
});
