/**
 * Parsing of the `ice-servers` attribute: a JSON array of RTCIceServer.
 * Bad JSON or a bad shape is an error with a message a page author can act
 * on, never a silent `null`.
 */
export type IceServersResult = { ok: true; value: RTCIceServer[] } | { ok: false; error: string };

const URL_PATTERN = /^(stuns?|turns?):/;

export function parseIceServers(text: string | null | undefined): IceServersResult {
  if (text === null || text === undefined || text.trim() === '') return { ok: true, value: [] };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, error: 'ice-servers is not valid JSON' };
  }
  if (!Array.isArray(data)) return { ok: false, error: 'ice-servers must be a JSON array of RTCIceServer objects' };
  const servers: RTCIceServer[] = [];
  for (const [i, entry] of data.entries()) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      return { ok: false, error: `ice-servers[${i}] must be an object` };
    }
    const { urls, username, credential } = entry as Record<string, unknown>;
    const list = typeof urls === 'string' ? [urls] : urls;
    if (!Array.isArray(list) || list.length === 0 || !list.every((u) => typeof u === 'string' && URL_PATTERN.test(u))) {
      return { ok: false, error: `ice-servers[${i}].urls must be stun:, stuns:, turn: or turns: URLs` };
    }
    for (const [key, value] of Object.entries({ username, credential })) {
      if (value !== undefined && typeof value !== 'string') {
        return { ok: false, error: `ice-servers[${i}].${key} must be a string` };
      }
    }
    if (list.some((u: string) => u.startsWith('turn')) && (username === undefined || credential === undefined)) {
      return { ok: false, error: `ice-servers[${i}] is a TURN server and needs username and credential` };
    }
    servers.push({
      urls: urls as string | string[],
      ...(username === undefined ? {} : { username }),
      ...(credential === undefined ? {} : { credential }),
    } as RTCIceServer);
  }
  return { ok: true, value: servers };
}
