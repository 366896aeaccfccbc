/**
 * Parsing of the `ice-servers` attribute: a JSON array of RTCIceServer,
 * checked by the browser itself (an RTCPeerConnection made with it and closed
 * at once: nothing is gathered), so that what passes here is exactly what a
 * call can use. Bad JSON or a bad shape is an error with the browser's own
 * reason (it names the bad URL, the missing credential), never a silent `null`.
 */
export type IceServersResult = { ok: true; value: RTCIceServer[] } | { ok: false; error: string };

export function parseIceServers(text: string | null | undefined): IceServersResult {
  if (!text?.trim()) return { ok: true, value: [] };
  try {
    const value = JSON.parse(text) as RTCIceServer[];
    if (!Array.isArray(value)) throw new TypeError('must be a JSON array of RTCIceServer objects');
    new RTCPeerConnection({ iceServers: value }).close();
    return { ok: true, value };
  } catch (error) {
    // The last part of the browser's message is the reason ("'http://x' is not a valid stun or turn URL.").
    return {
      ok: false,
      error: `ice-servers: ${String((error as Error).message)
        .split(': ')
        .at(-1)}`,
    };
  }
}
