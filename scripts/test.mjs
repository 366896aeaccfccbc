#!/usr/bin/env node
/**
 * The whole test command (`npm test`): type check, lint, format check and
 * build, then the Node suites (server, core, tooling, pages), the browser
 * suite (real Chromium, real signaling server, real coturn) and the NAT
 * matrix (network namespaces). Every step runs even when an earlier one
 * failed; the last line is `N passed, N failed` summed over everything (each
 * static check counts as one test). A skipped test counts as failed: CI skips
 * nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const bin = (name) => join('node_modules', '.bin', name);
const totals = { passed: 0, failed: 0 };
const failures = [];

function run(label, command, args, env = {}) {
  console.log(`\n=== ${label}: ${[command, ...args].join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  console.log(
    `=== ${label}: exit ${result.status ?? result.signal} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return result.status === 0;
}

function check(label, command, args) {
  if (run(label, command, args)) totals.passed++;
  else {
    totals.failed++;
    failures.push(label);
  }
}

function record(label, passed, failed) {
  totals.passed += passed;
  totals.failed += failed;
  if (failed > 0) failures.push(`${label} (${failed} failed)`);
}

mkdirSync('.cache', { recursive: true });

check('type check', bin('tsc'), ['-p', 'tsconfig.json']);
check('lint', bin('eslint'), ['.']);
check('format', bin('prettier'), ['--check', '.']);
check('build', 'npm', ['run', '--silent', 'build']);

// Node suites: the server over real sockets, the headless core in Node, tooling checks, pages in Chromium.
{
  const files = ['test/server', 'test/core', 'test/tooling', 'test/e2e'].flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => join(dir, f)),
  );
  const tap = join('.cache', 'node-tests.tap');
  rmSync(tap, { force: true });
  run('node tests', process.execPath, [
    '--import',
    'tsx',
    '--test',
    '--test-timeout=120000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
  ]);
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const field = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
  const [pass, fail, cancelled, skipped, todo] = ['pass', 'fail', 'cancelled', 'skipped', 'todo'].map(field);
  if (Number.isNaN(pass)) record('node tests (no result: the runner crashed)', 0, 1);
  else record('node tests', pass, fail + cancelled + skipped + todo);
}

// Browser suite: real Chromium with fake devices against the built server.
{
  const chromium = process.env.CHROME_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    console.error(`\n!!! Chromium not found at ${chromium}. Install it (apt-get install chromium) or set CHROME_PATH.`);
    record('browser tests (Chromium missing)', 0, 1);
  } else {
    const summary = join('.cache', 'wtr-summary.json');
    rmSync(summary, { force: true });
    run('browser tests', bin('wtr'), [], { CHROME_PATH: chromium });
    if (!existsSync(summary)) record('browser tests (no result: the runner crashed)', 0, 1);
    else {
      const result = JSON.parse(readFileSync(summary, 'utf8'));
      record('browser tests', result.passed, result.failed + result.skipped);
    }
  }
}

// The NAT and firewall matrix: network namespaces, two Chromiums, coturn and the server (needs root).
{
  const out = join('.cache', 'netlab.json');
  rmSync(out, { force: true });
  run('netlab', process.execPath, ['scripts/netlab.mjs', '--json', out]);
  if (!existsSync(out)) record('netlab (no result: the lab could not be built)', 0, 1);
  else {
    const result = JSON.parse(readFileSync(out, 'utf8'));
    record('netlab', result.passed, result.failed);
  }
}

if (failures.length > 0) console.log(`\nFailed: ${failures.join('; ')}`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed === 0 ? 0 : 1);
