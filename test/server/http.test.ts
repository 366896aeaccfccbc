/** The HTTP surface: health, metrics, the room graph API, static files, origins, shutdown. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { joinAll, listeningPort, newId, serverFor, sleep, TestClient } from './helpers.js';

const ADMIN = 'admin-token-0123456789';

describe('GET /healthz', () => {
  it('answers 200 with counts while accepting', async (t) => {
    const srv = await serverFor(t);
    await joinAll(srv.wsUrl, `r-${newId()}`, 2);
    const res = await fetch(`${srv.url}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok', rooms: 1, members: 2, dependencies: { store: 'memory' } });
  });
});

describe('GET /metrics', () => {
  it('exposes Prometheus text reflecting the traffic', async (t) => {
    const srv = await serverFor(t);
    const [a, b] = await joinAll(srv.wsUrl, `r-${newId()}`, 2);
    a!.send({
      type: 'CANDIDATE',
      to: b!.clientId,
      candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ srflx', sdpMid: '0' },
      candidateType: 'srflx',
    });
    a!.send({
      type: 'CONNECTION_STATE',
      peer: b!.clientId,
      connectionState: 'connected',
      iceConnectionState: 'connected',
      localCandidateType: 'relay',
      remoteCandidateType: 'host',
      rttMs: 3,
    });
    a!.send({ type: 'ANALYTICS', event: 'connection-established', peer: b!.clientId, ms: 140 });
    a!.send({ type: 'ANALYTICS', event: 'stun-response-time', ms: 12 });
    a!.send({ type: 'ANALYTICS', event: 'ice-failed', peer: b!.clientId });
    a!.send({ type: 'ANALYTICS', event: 'made-up-event-name' });
    a!.send('nope');
    await b!.next('CANDIDATE');
    await a!.next('ERROR');
    const res = await fetch(`${srv.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const text = await res.text();
    const expectations = [
      /^meeting_connections 2$/m,
      /^meeting_rooms 1$/m,
      /^meeting_members 2$/m,
      /^meeting_joins_total\{kind="new"\} 2$/m,
      /^meeting_messages_total\{type="CANDIDATE"\} 1$/m,
      /^meeting_ice_candidates_total\{type="srflx"\} 1$/m,
      /^meeting_selected_candidate_pairs_total\{local="relay",remote="host"\} 1$/m,
      /^meeting_time_to_connect_ms_count\{path="relay"\} 1$/m,
      /^meeting_time_to_connect_ms_sum\{path="relay"\} 140$/m,
      /^meeting_stun_response_ms_count 1$/m,
      /^meeting_link_failures_total\{event="ice-failed"\} 1$/m,
      /^meeting_analytics_events_total\{event="other"\} 1$/m,
      /^meeting_errors_total\{code="bad-json"\} 1$/m,
    ];
    for (const re of expectations) assert.match(text, re);
    assert.doesNotMatch(text, /made-up-event-name/, 'clients cannot create label values');
  });
});

describe('GET /api/rooms/:room', () => {
  it('is 404 when no admin token is configured', async (t) => {
    const srv = await serverFor(t);
    const r = `r-${newId()}`;
    await joinAll(srv.wsUrl, r, 1);
    const res = await fetch(`${srv.url}/api/rooms/${r}`, { headers: { authorization: `Bearer ${ADMIN}` } });
    assert.equal(res.status, 404);
  });

  it('is 401 without or with a wrong token, and the graph with the right one', async (t) => {
    const srv = await serverFor(t, { adminToken: ADMIN });
    const r = `r-${newId()}`;
    const [a, b] = await joinAll(srv.wsUrl, r, 2);
    assert.equal((await fetch(`${srv.url}/api/rooms/${r}`)).status, 401);
    assert.equal(
      (await fetch(`${srv.url}/api/rooms/${r}`, { headers: { authorization: 'Bearer wrong' } })).status,
      401,
    );
    assert.equal((await fetch(`${srv.url}/api/rooms/${r}`, { headers: { authorization: ADMIN } })).status, 401);
    a!.send({
      type: 'CONNECTION_STATE',
      peer: b!.clientId,
      connectionState: 'connected',
      iceConnectionState: 'completed',
      localCandidateType: 'host',
      remoteCandidateType: 'srflx',
      rttMs: 2.5,
    });
    a!.send({ type: 'VIDEO_TOGGLE', enabled: false });
    await b!.next('VIDEO_TOGGLE');
    const res = await fetch(`${srv.url}/api/rooms/${r}`, { headers: { authorization: `Bearer ${ADMIN}` } });
    assert.equal(res.status, 200);
    const graph = (await res.json()) as {
      room: string;
      members: Record<string, unknown>[];
      pairs: Record<string, unknown>[];
    };
    assert.equal(graph.room, r);
    assert.deepEqual(
      graph.members.map((m) => [m['clientId'], m['name'], m['videoEnabled']]),
      [
        [a!.clientId, 'p0', false],
        [b!.clientId, 'p1', true],
      ],
    );
    assert.ok(
      graph.members.every((m) => typeof m['joinedAt'] === 'number' && !('resumeToken' in m)),
      'no secrets',
    );
    assert.equal(graph.pairs.length, 1);
    assert.deepEqual(
      { ...graph.pairs[0], updatedAt: 0 },
      {
        from: a!.clientId,
        to: b!.clientId,
        connectionState: 'connected',
        iceConnectionState: 'completed',
        localCandidateType: 'host',
        remoteCandidateType: 'srflx',
        rttMs: 2.5,
        updatedAt: 0,
      },
    );
    const missing = await fetch(`${srv.url}/api/rooms/nobody-here`, { headers: { authorization: `Bearer ${ADMIN}` } });
    assert.equal(missing.status, 404);
  });
});

describe('other paths', () => {
  it('serves static files from the configured folder and 404 for the rest', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'meeting-static-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>demo</title>');
    const srv = await serverFor(t, { staticDir: dir });
    const index = await fetch(`${srv.url}/`);
    assert.equal(index.status, 200);
    assert.match(await index.text(), /<title>demo<\/title>/);
    for (const path of ['/nope', '/api/rooms', '/../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/ws/x']) {
      assert.equal((await fetch(`${srv.url}${path}`)).status, 404, path);
    }
    assert.equal((await fetch(`${srv.url}/ws`)).status, 426);
    assert.equal((await fetch(`${srv.url}/healthz`, { method: 'POST' })).status, 405);
  });

  it('refuses WebSocket upgrades on other paths', async (t) => {
    const srv = await serverFor(t);
    await assert.rejects(TestClient.connect(srv.wsUrl.replace('/ws', '/other')), /404/);
  });

  it('refuses WebSocket upgrades from origins outside ALLOWED_ORIGINS', async (t) => {
    const srv = await serverFor(t, { allowedOrigins: ['https://good.example'] });
    await assert.rejects(TestClient.connect(srv.wsUrl, { origin: 'https://evil.example' }), /403/);
    await assert.rejects(TestClient.connect(srv.wsUrl), /403/);
    const ok = await TestClient.connect(srv.wsUrl, { origin: 'https://good.example' });
    await ok.join(`r-${newId()}`);
  });
});

describe('shutdown', () => {
  it('on SIGTERM stops accepting, closes sockets with 1001 and exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
      // An empty folder of its own: the static handler indexes its folder at start, and /tmp changes under it.
      env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', STATIC_DIR: await mkdtemp(join(tmpdir(), 'static-')) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { port, output } = await listeningPort(child);
    const a = await TestClient.connect(`ws://127.0.0.1:${port}/ws`);
    await a.join(`r-${newId()}`, { token: 'never-logged-token-value' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal((await a.closed).code, 1001);
    assert.equal(await exited, 0);
    await sleep(10);
    assert.match(output(), /"msg":"stopped"/);
    assert.doesNotMatch(output(), /never-logged-token-value/);
  });

  it('refuses bad configuration with exit code 2 and a message naming the variable', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
      env: { ...process.env, PORT: 'eighty' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 2);
    assert.match(stderr, /PORT must be an integer/);
  });
});
