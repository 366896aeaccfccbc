#!/usr/bin/env node
/**
 * The NAT and firewall matrix: Linux network namespaces for a "public
 * internet" (203.0.113.0/24) holding the signaling server and coturn, and two
 * sides, each a host behind its own simulated NAT router (198.51.100.0/24).
 * A real <meeting-room> call runs between two headless Chromiums, one per
 * side, loading the element from the server like any visitor; the ICE agent
 * picks the path by itself (nothing forces relay). Each case asserts the path
 * chosen and that video decodes on both sides.
 *
 *   node scripts/netlab.mjs [--json out.json] [--only case,case]
 *
 * Needs root, iproute2, iptables, coturn and Chromium; touches only the
 * namespaces, veths and processes it creates, and removes them on every exit
 * path. See docs/CONNECTIVITY.md.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.mjs';
import { readyWhen, startCoturn } from './coturn.mjs';

export const PUB_IP = '203.0.113.1';
export const PORT = 8787;
export const TURN_PORT = 3478;
const ADMIN = 'netlab-admin-token-0123456789';
const P = `mr${process.pid % 100000}`; // short: interface names have at most 15 characters
export const PUB = `${P}-pub`;
const args = process.argv.slice(2);
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;
const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : undefined;

const run = (cmd, ...a) => execFileSync(cmd, a, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const tryRun = (cmd, ...a) => {
  try {
    return run(cmd, ...a);
  } catch {
    return '';
  }
};
const inNs = (ns, ...cmd) => run('ip', 'netns', 'exec', ns, ...cmd);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...m) => console.log('[netlab]', ...m);
const NFQ_DELAY = new URL('../.cache/nfq-delay', import.meta.url).pathname;

/** Builds the NFQUEUE delay/loss helper (needs cc and libnetfilter-queue-dev). */
export function buildHelper() {
  const source = new URL('../netlab/nfq-delay.c', import.meta.url).pathname;
  mkdirSync(new URL('../.cache/', import.meta.url), { recursive: true });
  run('cc', '-O2', '-Wall', '-o', NFQ_DELAY, source, '-lnetfilter_queue');
}

// ---------------------------------------------------------------------------
// Topology

const created = { namespaces: new Set(), processes: new Set(), files: new Set() };

function addNamespace(name) {
  run('ip', 'netns', 'add', name);
  created.namespaces.add(name);
  // Before any interface exists: IPv6 link-local setup makes Chromium abort loads (ERR_NETWORK_CHANGED).
  inNs(name, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1');
  inNs(name, 'ip', 'link', 'set', 'lo', 'up');
}

function removeNamespace(name) {
  for (const pid of tryRun('ip', 'netns', 'pids', name).split(/\s+/).filter(Boolean)) tryRun('kill', '-9', pid);
  tryRun('ip', 'netns', 'delete', name);
  created.namespaces.delete(name);
}

export function buildPublic() {
  addNamespace(PUB);
  inNs(PUB, 'ip', 'link', 'add', 'br0', 'type', 'bridge');
  inNs(PUB, 'ip', 'addr', 'add', `${PUB_IP}/24`, 'dev', 'br0');
  inNs(PUB, 'ip', 'link', 'set', 'br0', 'up');
  // The "internet" needs a route for everything else, even a dead one: without it coturn's send to a
  // private host candidate fails with ENETUNREACH and it silently stops relaying that allocation.
  inNs(PUB, 'ip', 'link', 'add', 'dead0', 'type', 'veth', 'peer', 'name', 'dead1');
  inNs(PUB, 'ip', 'link', 'set', 'dead0', 'arp', 'off', 'up');
  inNs(PUB, 'ip', 'route', 'add', 'default', 'dev', 'dead0');
  // The internet routes between the sides (used when a side has no NAT).
  inNs(PUB, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
}

/**
 * One side: host `h` behind router `r`. nat: 'none' | 'cone' | 'symmetric'; blockUdp drops forwarded UDP;
 * blockTurn drops everything to coturn's port.
 */
export function buildSide(index, { nat, blockUdp = false, blockTurn = false, impair }) {
  const tag = String.fromCharCode(97 + index); // a, b
  const router = `${P}-r${tag}`;
  const host = `${P}-h${tag}`;
  const wanIp = `203.0.113.${10 + index}`;
  const lanRouter = `198.51.100.${1 + 4 * index}`;
  const lanHost = `198.51.100.${2 + 4 * index}`;
  const lanNet = `198.51.100.${4 * index}/30`;
  addNamespace(router);
  addNamespace(host);
  // WAN: router <-> public bridge.
  run('ip', 'link', 'add', `${P}${tag}w`, 'netns', router, 'type', 'veth', 'peer', 'name', `${P}${tag}p`, 'netns', PUB);
  inNs(PUB, 'ip', 'link', 'set', `${P}${tag}p`, 'master', 'br0', 'up');
  inNs(router, 'ip', 'addr', 'add', `${wanIp}/24`, 'dev', `${P}${tag}w`);
  inNs(router, 'ip', 'link', 'set', `${P}${tag}w`, 'up');
  // LAN: router <-> host.
  run(
    'ip',
    'link',
    'add',
    `${P}${tag}l`,
    'netns',
    router,
    'type',
    'veth',
    'peer',
    'name',
    `${P}${tag}h`,
    'netns',
    host,
  );
  inNs(router, 'ip', 'addr', 'add', `${lanRouter}/30`, 'dev', `${P}${tag}l`);
  inNs(router, 'ip', 'link', 'set', `${P}${tag}l`, 'up');
  inNs(host, 'ip', 'addr', 'add', `${lanHost}/30`, 'dev', `${P}${tag}h`);
  inNs(host, 'ip', 'link', 'set', `${P}${tag}h`, 'up');
  inNs(host, 'ip', 'route', 'add', 'default', 'via', lanRouter);
  inNs(router, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
  inNs(router, 'ip', 'route', 'add', 'default', 'via', PUB_IP);
  const ipt = (...rule) => inNs(router, 'iptables', ...rule);
  const wan = `${P}${tag}w`;
  if (nat === 'none') {
    // No NAT: the LAN is routed; the internet knows the way back.
    inNs(PUB, 'ip', 'route', 'add', lanNet, 'via', wanIp);
  } else {
    ipt(
      '-t',
      'nat',
      '-A',
      'POSTROUTING',
      '-o',
      wan,
      '-j',
      'MASQUERADE',
      ...(nat === 'symmetric' ? ['--random-fully'] : []),
    );
    // Unsolicited packets to the router are dropped; otherwise a peer's early check creates a conntrack
    // entry and MASQUERADE remaps the next outgoing packet, turning a cone NAT into a symmetric one.
    ipt('-A', 'INPUT', '-i', wan, '-j', 'DROP');
  }
  if (blockUdp) ipt('-A', 'FORWARD', '-p', 'udp', '-j', 'DROP');
  if (impair) {
    // No netem in this kernel: forwarded packets go through an NFQUEUE helper that delays and drops them.
    const helper = spawn(
      'ip',
      ['netns', 'exec', router, NFQ_DELAY, '0', String(impair.delayMs), String(impair.lossPercent), '300'],
      {
        stdio: 'ignore',
      },
    );
    created.processes.add(helper);
    ipt('-A', 'FORWARD', '-j', 'NFQUEUE', '--queue-num', '0', '--queue-bypass');
  }
  if (blockTurn) {
    ipt('-A', 'FORWARD', '-d', PUB_IP, '-p', 'udp', '--dport', String(TURN_PORT), '-j', 'DROP');
    ipt('-A', 'FORWARD', '-d', PUB_IP, '-p', 'tcp', '--dport', String(TURN_PORT), '-j', 'DROP');
  }
  return { router, host, wanIp, lanHost, lanNet, nat };
}

export function removeSide(side) {
  if (side.nat === 'none') tryRun('ip', 'netns', 'exec', PUB, 'ip', 'route', 'del', side.lanNet);
  removeNamespace(side.host);
  removeNamespace(side.router);
  // Teardown is asynchronous: delete the pub-side veth ends explicitly so the next case can reuse the names.
  for (const tag of ['a', 'b']) tryRun('ip', 'netns', 'exec', PUB, 'ip', 'link', 'del', `${P}${tag}p`);
}

export function teardown() {
  for (const child of created.processes) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
  for (const name of [...created.namespaces].reverse()) removeNamespace(name);
  for (const file of created.files) rmSync(file, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------
// Servers in the public namespace

export async function startSignaling(coturn) {
  const child = spawn(
    'ip',
    ['netns', 'exec', PUB, process.execPath, new URL('../dist/server/index.js', import.meta.url).pathname],
    {
      env: {
        ...process.env,
        HOST: PUB_IP,
        PORT: String(PORT),
        LOG_LEVEL: 'info',
        ADMIN_TOKEN: ADMIN,
        // Runs of every case join from the same few addresses.
        ADDRESS_SOCKETS: '0',
        ADDRESS_JOINS_PER_MINUTE: '0',
        ADDRESS_ROOMS_PER_MINUTE: '0',
        TURN_SECRET: coturn.secret,
        TURN_URLS: `${coturn.turnUrl},${coturn.turnTcpUrl}`,
        STUN_URLS: coturn.stunUrl,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  created.processes.add(child);
  await readyWhen(child, '"msg":"listening"', 'the signaling server', 15_000);
  return child;
}

/** GET a path of the signaling server, from inside the public namespace (nothing reaches in from outside). */
function getFromServer(path) {
  const script = `fetch('http://${PUB_IP}:${PORT}${path}', { headers: { authorization: 'Bearer ${ADMIN}' } })
    .then((r) => r.text()).then((t) => process.stdout.write(t))`;
  return inNs(PUB, process.execPath, '-e', script);
}

const graphOf = (room) => JSON.parse(getFromServer(`/api/rooms/${room}`) || 'null');
const metric = (text, re) => Number(re.exec(text)?.[1] ?? 0);

// ---------------------------------------------------------------------------
// Browsers, one per host namespace

export async function launchIn(hostNs) {
  const dir = mkdtempSync(join(tmpdir(), 'netlab-'));
  created.files.add(dir);
  const wrapper = join(dir, 'chromium');
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${hostNs} ${CHROMIUM} "$@"\n`);
  chmodSync(wrapper, 0o755);
  return puppeteer.launch({
    executablePath: wrapper,
    pipe: true, // DevTools over pipes: they pass through `ip netns exec`, a port on the namespace's loopback would not
    userDataDir: join(dir, 'profile'),
    args: [
      ...CHROMIUM_ARGS,
      '--disable-component-update',
      '--no-first-run',
      `--unsafely-treat-insecure-origin-as-secure=http://${PUB_IP}:${PORT}`,
      // Chromium would still try Google's hosts through the machine's resolver; nothing resolves here.
      `--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE ${PUB_IP}`,
    ],
    env: { ...process.env, XDG_CONFIG_HOME: dir, XDG_CACHE_HOME: dir },
  });
}

/** Reads the call from one page: state of the link, the selected pair, frames decoded. */
function readCall(page) {
  return page.evaluate(async () => {
    const el = document.querySelector('meeting-room');
    const p = el?.call?.participants[0];
    const link = p ? el.call.link(p.clientId) : undefined;
    if (!p || !link) return { joined: el?.getAttribute('state') === 'joined', connected: false };
    const stats = await link.connection.getStats();
    let frames = 0;
    let pairId;
    stats.forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === 'video') frames += r.framesDecoded ?? 0;
      if (r.type === 'transport' && r.selectedCandidatePairId) pairId = r.selectedCandidatePairId;
    });
    const pair = pairId ? stats.get(pairId) : undefined;
    const local = pair ? stats.get(pair.localCandidateId) : undefined;
    const remote = pair ? stats.get(pair.remoteCandidateId) : undefined;
    return {
      clientId: el.call.clientId,
      joined: el.getAttribute('state') === 'joined',
      connected: link.connection.connectionState === 'connected',
      rttMs: typeof pair?.currentRoundTripTime === 'number' ? Math.round(pair.currentRoundTripTime * 1000) : undefined,
      local: local?.candidateType,
      remote: remote?.candidateType,
      protocol: local?.relayProtocol ?? local?.protocol,
      frames,
      problem: p.problem?.message,
      problemCause: p.problem?.cause,
      now: performance.now(),
    };
  });
}

async function until(check, what, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------
// Cases

const CASES = [
  {
    name: 'no-nat',
    sides: [{ nat: 'none' }, { nat: 'none' }],
    expect: (a, b) => a.local === 'host' && b.local === 'host',
    want: 'host ↔ host',
  },
  {
    name: 'cone-cone',
    sides: [{ nat: 'cone' }, { nat: 'cone' }],
    expect: (a, b) => a.local === 'srflx' && b.local === 'srflx',
    // STUN through a NAT: the clients report stun-response-time and the server counts srflx candidates.
    server: (before, after) =>
      metric(after, /^meeting_stun_response_ms_count (\d+)/m) >=
        metric(before, /^meeting_stun_response_ms_count (\d+)/m) + 2 &&
      metric(after, /^meeting_ice_candidates_total\{type="srflx"\} (\d+)/m) >
        metric(before, /^meeting_ice_candidates_total\{type="srflx"\} (\d+)/m),
    want: 'srflx ↔ srflx, no relay; stun-response-time reported',
  },
  {
    name: 'symmetric-symmetric',
    sides: [{ nat: 'symmetric' }, { nat: 'symmetric' }],
    expect: (a, b) => [a.local, a.remote, b.local, b.remote].includes('relay'),
    want: 'a TURN relay',
  },
  {
    name: 'cone-symmetric',
    sides: [{ nat: 'cone' }, { nat: 'symmetric' }],
    expect: (a, b) => a.connected && b.connected,
    want: 'any path',
  },
  {
    name: 'udp-blocked',
    sides: [{ nat: 'cone', blockUdp: true }, { nat: 'cone' }],
    expect: (a) => a.local === 'relay' && a.protocol === 'tcp',
    want: 'relay over TCP on the blocked side',
  },
  {
    name: 'cone-lossy',
    sides: [{ nat: 'cone', impair: { delayMs: 50, lossPercent: 5 } }, { nat: 'cone' }],
    // The helper adds 50 ms each way on side a: about 100 ms of RTT, and 5 % of packets lost.
    expect: (a, b) => a.local === 'srflx' && b.local === 'srflx' && a.rttMs >= 90,
    want: 'srflx ↔ srflx with 100 ms RTT and 5 % loss, still decoding',
  },
  {
    name: 'no-path',
    sides: [
      { nat: 'symmetric', blockTurn: true },
      { nat: 'symmetric', blockTurn: true },
    ],
    failing: true,
    want: 'a clear connectivity error on both sides',
  },
];

async function runCase(kase) {
  const sides = kase.sides.map((side, i) => buildSide(i, side));
  const browsers = [];
  try {
    const room = `netlab-${kase.name}`;
    const metricsBefore = getFromServer('/metrics');
    const pages = [];
    for (const [i, side] of sides.entries()) {
      const browser = await launchIn(side.host);
      browsers.push(browser);
      const page = await browser.newPage();
      await page.goto(`http://${PUB_IP}:${PORT}/?room=${room}&name=side-${i}&join=1`, { timeout: 15_000 });
      await until(async () => (await readCall(page)).joined, `side ${i} joined`, 15_000);
      pages.push(page);
    }
    if (kase.failing) {
      const states = await until(
        async () => {
          const s = await Promise.all(pages.map(readCall));
          return s.every((x) => x.problem) ? s : undefined;
        },
        'a connectivity error on both sides',
        45_000,
      );
      const ok = states.every((s) => !s.connected && s.problemCause === 'relay-unreachable');
      return { name: kase.name, want: kase.want, ok, path: `none: ${states[0].problem}` };
    }
    const connected = await until(
      async () => {
        const s = await Promise.all(pages.map(readCall));
        return s.every((x) => x.connected) ? s : undefined;
      },
      'both sides connected',
      30_000,
    );
    const framed = await until(
      async () => {
        const s = await Promise.all(pages.map(readCall));
        return s.every((x) => x.frames > 0) ? s : undefined;
      },
      'frames on both sides',
      15_000,
    );
    // The ICE agents may switch pairs shortly after connecting; read the path once both sides agree on it.
    await until(
      async () => {
        const [x, y] = await Promise.all(pages.map(readCall));
        return x.local === y.remote && x.remote === y.local;
      },
      'both sides agree on the selected pair',
      10_000,
    ).catch(() => undefined);
    await sleep(3000);
    const later = await Promise.all(pages.map(readCall));
    const fps = later.map((s, i) => ((s.frames - framed[i].frames) / ((s.now - framed[i].now) / 1000)).toFixed(0));
    const graph = graphOf(room);
    const [a, b] = later;
    // The room graph must hold each side's report of the link: connected, and on the path the browser shows
    // (relayed or direct). A missing or unreadable graph fails; it does not agree with everything.
    const relayed = (l, r) => l === 'relay' || r === 'relay';
    const reports = [a, b].map((side) => (graph?.pairs ?? []).find((p) => p.from === side.clientId));
    const graphAgrees = [a, b].every((side, i) => {
      const p = reports[i];
      return (
        p !== undefined &&
        p.connectionState === 'connected' &&
        relayed(p.localCandidateType, p.remoteCandidateType) === relayed(side.local, side.remote)
      );
    });
    const relayedInGraph = reports.some((p) => p && relayed(p.localCandidateType, p.remoteCandidateType));
    const rising = later.every((s, i) => s.frames > framed[i].frames) && fps.every((f) => Number(f) > 5);
    const serverOk = kase.server ? kase.server(metricsBefore, getFromServer('/metrics')) : true;
    const ok = kase.expect(a, b) && rising && serverOk;
    const path = `${a.local}/${a.remote} (${a.protocol}) · ${b.local}/${b.remote} (${b.protocol}), RTT ${a.rttMs} ms`;
    return {
      name: kase.name,
      want: kase.want,
      ok: ok && graphAgrees,
      path,
      graph: graphAgrees ? (relayedInGraph ? 'relay' : 'direct') : `disagrees: ${JSON.stringify(reports)}`,
      // On the clock of side b, the newcomer: from its page load (which joins at once).
      connectedMs: Math.round(connected[1].now),
      firstFrameMs: Math.round(framed[1].now),
      fps: fps.join(' / '),
    };
  } finally {
    await Promise.all(browsers.map((b) => b.close().catch(() => {})));
    for (const side of sides) removeSide(side);
  }
}

// ---------------------------------------------------------------------------

async function main() {
  if (process.getuid?.() !== 0) throw new Error('netlab needs root (network namespaces, iptables)');
  for (const tool of ['ip', 'iptables', 'cc']) run('sh', '-c', `command -v ${tool}`);
  buildHelper();
  buildPublic();
  const coturn = await startCoturn({ ip: PUB_IP, port: TURN_PORT, netns: PUB });
  const signaling = await startSignaling(coturn);
  const results = [];
  try {
    for (const kase of CASES) {
      if (only && !only.includes(kase.name)) continue;
      const started = Date.now();
      let result;
      try {
        result = await runCase(kase);
      } catch (error) {
        result = { name: kase.name, want: kase.want, ok: false, path: `error: ${error.message}` };
      }
      result.seconds = ((Date.now() - started) / 1000).toFixed(1);
      log(`${result.ok ? 'PASS' : 'FAIL'} ${kase.name}: ${result.path} (${result.seconds} s)`);
      results.push(result);
    }
  } finally {
    signaling.kill('SIGTERM');
    await coturn.stop();
  }
  console.log(
    '\n| case | expected | path chosen (side a · side b: local/remote, protocol) | graph | connected ms | first frame ms | fps a / b | result |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    console.log(
      `| ${r.name} | ${r.want} | ${r.path} | ${r.graph ?? ''} | ${r.connectedMs ?? ''} | ${r.firstFrameMs ?? ''} | ${r.fps ?? ''} | ${r.ok ? 'pass' : 'FAIL'} |`,
    );
  }
  const passed = results.filter((r) => r.ok).length;
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ passed, failed: results.length - passed, results }, null, 2));
  console.log(`\nnetlab: ${passed} passed, ${results.length - passed} failed`);
  return results.length - passed;
}

/** Removes everything the lab made when this process ends, however it ends. */
export function cleanUpOnExit() {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      teardown();
      process.exit(130);
    });
  }
  process.on('exit', teardown);
}

// Run as a script (the matrix); imported (bench/join-netlab.mjs), it only lends its topology.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  cleanUpOnExit();
  main().then(
    (failed) => process.exit(failed === 0 ? 0 : 1),
    (error) => {
      console.error('[netlab]', error);
      process.exit(1);
    },
  );
}
