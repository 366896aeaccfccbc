/**
 * For the SFU benches: runs the calling script again inside a private network
 * namespace whose `ifb` interface `j0` carries 127.0.0.2 (Janus never gathers
 * on a loopback interface: ../shared/SFU.md), and exits with it. Inside (the
 * environment says so), returns at once. Needs root (unshare).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function inJanusNamespace(scriptUrl) {
  if (process.env.IN_NAMESPACE) return;
  const setup = 'ip link set lo up && ip link add j0 type ifb && ip addr add 127.0.0.2/32 dev j0 && ip link set j0 up';
  execFileSync('unshare', ['-n', 'sh', '-c', `${setup} && exec "${process.execPath}" "${fileURLToPath(scriptUrl)}"`], {
    stdio: 'inherit',
    env: { ...process.env, IN_NAMESPACE: '1' },
  });
  process.exit(0);
}

/**
 * Opens the server's bare demo page and puts a <meeting-room> on it that
 * joins `room` as `name` at once (`autojoin`, no pre-join view).
 */
export async function joinWithElement(page, url, signal, room, name) {
  await page.goto(`${url}/cms.html`, { waitUntil: 'load' });
  await page.evaluate(
    (room, name, signal) => {
      document.body.innerHTML = '';
      const el = document.createElement('meeting-room');
      for (const [k, v] of Object.entries({ room, name, 'signal-url': signal, autojoin: '', 'skip-prejoin': '' })) {
        el.setAttribute(k, v);
      }
      document.body.append(el);
    },
    room,
    name,
    signal,
  );
}
