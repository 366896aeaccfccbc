/**
 * What an operator reads first: /healthz naming its dependencies (a real
 * coturn probed over UDP and TCP), /metrics behind METRICS_TOKEN, fresh TURN
 * credentials before the old ones expire, and `--help`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
// @ts-expect-error: a plain ES module of the test scripts, without types
import { startCoturn } from '../../scripts/coturn.mjs';
import { SETTINGS } from '../../server/config.js';
import { TurnProbe } from '../../server/turn-probe.js';
import { freePort, newId, serverFor, TestClient } from './helpers.js';

const TURN_SECRET = 'turn-secret-0123456789abcdef';

describe('GET /healthz with TURN configured', () => {
  it('probes each TURN URL (a real coturn over UDP and TCP, and one where nothing listens): degraded, still 200', async (t) => {
    const coturn = await startCoturn();
    t.after(() => coturn.stop());
    const dead = `turn:127.0.0.1:${await freePort()}?transport=tcp`;
    const urls = [coturn.turnUrl, coturn.turnTcpUrl, dead];
    const srv = await serverFor(t, { turn: { secret: TURN_SECRET, urls, ttlSeconds: 600 } });
    let body: { status: string; dependencies: { store: string; turn: Record<string, string> } } | undefined;
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${srv.url}/healthz`);
      assert.equal(res.status, 200, 'a TURN server down does not take this process out of a balancer');
      body = (await res.json()) as typeof body;
      if (!Object.values(body!.dependencies.turn).includes('unknown')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(body!.status, 'degraded');
    assert.deepEqual(body!.dependencies, {
      store: 'memory',
      turn: { [coturn.turnUrl]: 'up', [coturn.turnTcpUrl]: 'up', [dead]: 'down' },
    });
  });

  it('a relay that stops answering reads as down on the next probe', async (t) => {
    const coturn = await startCoturn();
    t.after(() => coturn.stop());
    const probe = new TurnProbe([coturn.turnUrl, coturn.turnTcpUrl]);
    t.after(() => probe.close());
    await probe.run();
    assert.deepEqual(Object.values(probe.states()), ['up', 'up']);
    await coturn.stop();
    await probe.run();
    assert.deepEqual(Object.values(probe.states()), ['down', 'down']);
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  it('answers 401 without the bearer token or with a wrong one, 200 with it', async (t) => {
    const token = 'metrics-token-0123456789';
    const srv = await serverFor(t, { metricsToken: token });
    const plain = await fetch(`${srv.url}/metrics`);
    assert.equal(plain.status, 401);
    assert.equal(plain.headers.get('www-authenticate'), 'Bearer');
    assert.doesNotMatch(await plain.text(), /meeting_/);
    const wrong = await fetch(`${srv.url}/metrics`, { headers: { authorization: `Bearer ${token}x` } });
    assert.equal(wrong.status, 401);
    const ok = await fetch(`${srv.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /meeting_connections/);
  });
});

describe('TURN credentials', () => {
  it('a member gets fresh credentials at half their lifetime, each valid for coturn and later than the last', async (t) => {
    const ttlSeconds = 0.4;
    const srv = await serverFor(t, { turn: { secret: TURN_SECRET, urls: ['turn:127.0.0.1:3478'], ttlSeconds } });
    const a = await TestClient.connect(srv.wsUrl);
    const welcome = await a.join(`r-${newId()}`);
    const expiries = [welcome.iceServers![0]!.username!];
    for (let i = 0; i < 3; i++) {
      const fresh = await a.next('ICE_SERVERS', () => true, 1000);
      const [server] = fresh['iceServers'] as { urls: string[]; username: string; credential: string }[];
      assert.deepEqual(server!.urls, ['turn:127.0.0.1:3478']);
      assert.match(server!.username, new RegExp(`^\\d+:${a.clientId}$`));
      assert.equal(server!.credential, createHmac('sha1', TURN_SECRET).update(server!.username).digest('base64'));
      expiries.push(server!.username);
    }
    const times = expiries.map((u) => Number(u.split(':')[0]));
    assert.ok(times.at(-1)! >= times[0]!, `expiry times move on: ${times}`);
  });

  it('a server without TURN sends no ICE_SERVERS', async (t) => {
    const srv = await serverFor(t);
    const a = await TestClient.connect(srv.wsUrl);
    await a.join(`r-${newId()}`);
    assert.deepEqual(await a.drain(300, 'ICE_SERVERS'), []);
  });
});

describe('--help', () => {
  it('lists every setting with its variable, flag and default, and exits 0', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'server/index.ts', '--help'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    for (const [key, setting] of Object.entries(SETTINGS)) {
      const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      const line = result.stdout.split('\n').find((l) => l.includes(` / ${setting.env} `));
      assert.ok(line, `${setting.env} is listed`);
      assert.ok(line.includes(flag), `${setting.env} with ${flag}`);
      if (setting.default !== undefined) assert.ok(line.includes(`(default: ${setting.default})`), line);
    }
    assert.match(result.stdout, /ADDRESS_SOCKETS .*\(default: 100\)/);
    assert.match(result.stdout, /TURN_TTL .*\(default: 600\)/);
  });

  it('a bad setting names itself and points at --help', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
      encoding: 'utf8',
      env: { ...process.env, ADDRESS_SOCKETS: 'lots' },
    });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /ADDRESS_SOCKETS must be an integer from 0 to 1000000, got "lots" \(--help lists/);
  });
});
