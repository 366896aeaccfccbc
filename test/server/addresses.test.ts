/**
 * Per-address allowances (open sockets, JOINs and new rooms per minute) over
 * real sockets from several loopback addresses, the client address behind a
 * trusted proxy, and the pure address logic.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Writable } from 'node:stream';
import { WebSocket, type ClientOptions } from 'ws';
import { addressKey, clientAddress, parseTrustedProxies } from '../../server/addresses.js';
import { createMeetingServer } from '../../server/app.js';
import { ConfigError, loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/log.js';
import { Metrics } from '../../server/metrics.js';
import { newId, serverFor, testConfig, TestClient, type ConfigOverrides } from './helpers.js';

/** Opens a socket from `from` (a loopback address); resolves the client, or the HTTP status that refused it. */
async function connectFrom(wsUrl: string, from: string, options: ClientOptions = {}): Promise<TestClient | number> {
  try {
    return await TestClient.connect(wsUrl, { localAddress: from, ...options });
  } catch (error) {
    const status = /Unexpected server response: (\d+)/.exec((error as Error).message);
    if (!status) throw error;
    return Number(status[1]);
  }
}

/** A server whose log lines are kept, and its metrics text. */
async function loggedServer(t: { after(fn: () => Promise<void>): void }, overrides: ConfigOverrides) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const config = testConfig({ logLevel: 'warn', ...overrides });
  const server = createMeetingServer(config, {
    log: createLogger('warn', sink),
    metrics: new Metrics({ defaultMetrics: false }),
  });
  const { port } = await server.listen();
  t.after(() => server.close());
  return {
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    lines,
    metric: async (limit: string) => {
      const text = await server.metrics.registry.metrics();
      return Number(new RegExp(`meeting_address_limited_total\\{limit="${limit}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    },
  };
}

async function joinOrError(client: TestClient, room: string) {
  client.send({ type: 'JOIN', room, clientId: client.clientId, audioEnabled: true, videoEnabled: true });
  return client.next(undefined, (m) => m.type === 'WELCOME' || m.type === 'ERROR');
}

describe('per-address allowances', () => {
  it('refuses the upgrade with 429 once an address has its sockets open; other addresses get in; a closed one frees a place', async (t) => {
    const srv = await loggedServer(t, { limits: { addressSockets: 3 } });
    const open: TestClient[] = [];
    for (let i = 0; i < 3; i++) open.push((await connectFrom(srv.wsUrl, '127.0.0.2')) as TestClient);
    assert.ok(
      open.every((c) => c instanceof TestClient),
      'three sockets from 127.0.0.2 are in',
    );
    assert.equal(await connectFrom(srv.wsUrl, '127.0.0.2'), 429, 'the fourth is refused');
    assert.equal(await connectFrom(srv.wsUrl, '127.0.0.2'), 429, 'and the fifth');
    const other = await connectFrom(srv.wsUrl, '127.0.0.3');
    assert.ok(other instanceof TestClient, 'another address is not affected');
    await (other as TestClient).join(`r-${newId()}`);
    await open[0]!.close();
    await new Promise((r) => setTimeout(r, 50));
    assert.ok((await connectFrom(srv.wsUrl, '127.0.0.2')) instanceof TestClient, 'a place freed by a close');
    assert.equal(await srv.metric('sockets'), 2, 'both refusals counted');
    const logged = srv.lines.filter((l) => l.includes('address over its limit'));
    assert.equal(logged.length, 1, 'logged once per address per minute');
    assert.match(logged[0]!, /"address":"127\.0\.0\.2"/);
    assert.match(logged[0]!, /"limit":"sockets"/);
  });

  it('answers JOINs over the per-minute allowance with rate-limited, and the address keeps its socket', async (t) => {
    const srv = await loggedServer(t, { limits: { addressJoinsPerMinute: 3 } });
    const room = `r-${newId()}`;
    for (let i = 0; i < 3; i++) {
      const client = (await connectFrom(srv.wsUrl, '127.0.0.4')) as TestClient;
      assert.equal((await joinOrError(client, room)).type, 'WELCOME', `JOIN ${i + 1} of 3`);
    }
    const late = (await connectFrom(srv.wsUrl, '127.0.0.4')) as TestClient;
    const refused = await joinOrError(late, room);
    assert.equal(refused.type, 'ERROR');
    assert.equal(refused['code'], 'rate-limited');
    assert.equal(refused['ref'], 'JOIN');
    assert.equal(late.ws.readyState, WebSocket.OPEN, 'the socket stays open');
    const other = (await connectFrom(srv.wsUrl, '127.0.0.5')) as TestClient;
    assert.equal((await joinOrError(other, room)).type, 'WELCOME', 'another address joins the same room');
    assert.equal(await srv.metric('joins'), 1);
  });

  it('refuses a new room over the per-minute allowance, while joining an existing room still works', async (t) => {
    const srv = await loggedServer(t, { limits: { addressRoomsPerMinute: 2 } });
    for (let i = 0; i < 2; i++) {
      const client = (await connectFrom(srv.wsUrl, '127.0.0.6')) as TestClient;
      assert.equal((await joinOrError(client, `made-${i}-${newId()}`)).type, 'WELCOME', `room ${i + 1} of 2`);
    }
    const third = (await connectFrom(srv.wsUrl, '127.0.0.6')) as TestClient;
    const refused = await joinOrError(third, `made-2-${newId()}`);
    assert.equal(refused['code'], 'rate-limited');
    assert.match(String(refused['message']), /new rooms/);
    // A room someone else made: joining it creates nothing.
    const host = (await connectFrom(srv.wsUrl, '127.0.0.7')) as TestClient;
    const existing = `theirs-${newId()}`;
    await host.join(existing);
    assert.equal((await joinOrError(third, existing)).type, 'WELCOME');
    assert.equal(await srv.metric('rooms'), 1);
  });

  it('behind a trusted proxy counts the address the proxy saw, whatever the client wrote before it', async (t) => {
    const srv = await loggedServer(t, {
      trustProxy: parseTrustedProxies(['127.0.0.1']),
      limits: { addressSockets: 1 },
    });
    const via = (forwarded: string) =>
      connectFrom(srv.wsUrl, '127.0.0.1', { headers: { 'x-forwarded-for': forwarded } });
    assert.ok((await via('203.0.113.5')) instanceof TestClient);
    assert.equal(await via('203.0.113.5'), 429, 'the same client through the proxy');
    assert.equal(await via('198.51.100.1, 203.0.113.5'), 429, 'a forged entry in front changes nothing');
    assert.ok((await via('203.0.113.6')) instanceof TestClient, 'another client through the same proxy');
  });

  it('without TRUST_PROXY ignores X-Forwarded-For (and says once how to set it)', async (t) => {
    const srv = await loggedServer(t, { limits: { addressSockets: 1 } });
    const via = (forwarded: string) =>
      connectFrom(srv.wsUrl, '127.0.0.8', { headers: { 'x-forwarded-for': forwarded } });
    assert.ok((await via('203.0.113.5')) instanceof TestClient);
    assert.equal(await via('203.0.113.6'), 429, 'both count as 127.0.0.8');
    assert.equal(srv.lines.filter((l) => l.includes('set TRUST_PROXY')).length, 1);
  });

  it('with the defaults, one address cannot take more than 100 sockets', async (t) => {
    const srv = await serverFor(t, { limits: { addressSockets: loadConfig({}).limits.addressSockets } });
    const sockets = await Promise.all(Array.from({ length: 100 }, () => connectFrom(srv.wsUrl, '127.0.0.9')));
    assert.ok(sockets.every((s) => s instanceof TestClient));
    assert.equal(await connectFrom(srv.wsUrl, '127.0.0.9'), 429);
    for (const s of sockets) (s as TestClient).ws.terminate();
  });
});

describe('client address', () => {
  const proxies = parseTrustedProxies(['127.0.0.1', '10.0.0.0/8']);

  it('is the socket peer unless that peer is a trusted proxy', () => {
    assert.equal(clientAddress('192.0.2.1', '203.0.113.5', proxies), '192.0.2.1');
    assert.equal(clientAddress('127.0.0.1', '203.0.113.5', undefined), '127.0.0.1');
    assert.equal(clientAddress('::ffff:192.0.2.1', undefined, undefined), '192.0.2.1');
  });

  it('walks X-Forwarded-For from the right past trusted proxies', () => {
    assert.equal(clientAddress('127.0.0.1', '203.0.113.5', proxies), '203.0.113.5');
    assert.equal(clientAddress('127.0.0.1', '1.1.1.1, 203.0.113.5, 10.1.2.3', proxies), '203.0.113.5');
    assert.equal(clientAddress('127.0.0.1', ['1.1.1.1', '203.0.113.5'], proxies), '203.0.113.5');
    assert.equal(clientAddress('127.0.0.1', '10.1.2.3', proxies), '10.1.2.3', 'all trusted: the leftmost');
    assert.equal(clientAddress('127.0.0.1', 'garbage, 10.1.2.3', proxies), '10.1.2.3', 'stops at a malformed entry');
    assert.equal(clientAddress('127.0.0.1', '', proxies), '127.0.0.1');
  });

  it('counts IPv6 per /64 and IPv4 per address', () => {
    assert.equal(addressKey('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:db8:1:2::9'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(addressKey('2001:0DB8:0001:0002:ffff::1'), '2001:db8:1:2::/64');
    assert.equal(addressKey('::1'), '0:0:0:0::/64');
    assert.equal(addressKey('192.0.2.1'), '192.0.2.1');
  });

  it('TRUST_PROXY takes addresses, CIDR blocks and "loopback", and names a bad entry', () => {
    const loopback = parseTrustedProxies(['loopback']);
    assert.ok(loopback.check('127.8.9.1', 'ipv4') && loopback.check('::1', 'ipv6'));
    assert.equal(loadConfig({ TRUST_PROXY: '10.0.0.0/8, ::1' }).trustProxy?.check('10.9.9.9', 'ipv4'), true);
    for (const bad of ['10.0.0.0/33', 'proxy.local', '10.0.0.1/8/1', '::1/200', '10.0.0.0/x']) {
      assert.throws(
        () => loadConfig({ TRUST_PROXY: bad }),
        (e: Error) => e instanceof ConfigError && /TRUST_PROXY/.test(e.message),
        bad,
      );
    }
  });
});
