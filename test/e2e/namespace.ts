/**
 * Runs a fixture inside a private network namespace whose `ifb` interface
 * `j0` carries 127.0.0.2 (Janus never gathers on a loopback interface:
 * ../shared/SFU.md), so that nothing leaves the machine, and returns the JSON
 * object the fixture prints last. Needs root (unshare), and the Debian package
 * janus (.ci/run installs it); fails loudly without them.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);
/**
 * `firefox`: Firefox gathers no candidate on a 127.x address, nor at all without a default route (it thinks it is
 * offline): j0 then carries a private address, 10.99.0.1, and the default route.
 */
const setup = (firefox: boolean) =>
  [
    'ip link set lo up',
    'ip link add j0 type ifb',
    `ip addr add ${firefox ? '10.99.0.1/24' : '127.0.0.2/32'} dev j0`,
    'ip link set j0 up',
    ...(firefox ? ['ip route add default dev j0'] : []),
  ].join(' && ');

export async function inJanusNamespace(
  fixture: URL,
  timeoutMs: number,
  { firefox = false } = {},
): Promise<Record<string, unknown>> {
  assert.ok(existsSync('/usr/bin/janus'), 'janus is missing: install the Debian package janus (.ci/run does)');
  assert.equal(process.getuid?.(), 0, 'the namespace needs root (unshare -n)');
  const { stdout } = await run(
    'unshare',
    ['-n', 'sh', '-c', `${setup(firefox)} && exec "${process.execPath}" --import tsx "${fixture.pathname}"`],
    { timeout: timeoutMs, maxBuffer: 1 << 22 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}
