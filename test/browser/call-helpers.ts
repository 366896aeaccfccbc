/** What a person would notice in a call, read from the real RTCPeerConnections. */
import { PeerLink } from '../../src/core/peer-link.js';
import type { MeetingRoom } from '../../src/ui/meeting-room.js';
import { meetingRoom, parts, until } from './helpers.js';

export interface Inbound {
  framesDecoded: number;
  /** The widest video being decoded now (0 before any frame). */
  frameWidth: number;
  videoBytes: number;
  audioPackets: number;
}

/** The mesh link from `el` to `peer` (throws if there is none: the room is not a mesh). */
export function meshLink(el: MeetingRoom, peer: MeetingRoom): PeerLink {
  const link = el.call?.link(peer.clientId!);
  if (!(link instanceof PeerLink)) throw new Error('no mesh link to that peer');
  return link;
}

export function connection(el: MeetingRoom, peer: MeetingRoom): RTCPeerConnection {
  const link = el.call?.link(peer.clientId!);
  if (!link) throw new Error(`no link from ${el.name} to ${peer.name}`);
  return link.connection;
}

export async function inbound(el: MeetingRoom, peer: MeetingRoom): Promise<Inbound> {
  const stats = await connection(el, peer).getStats();
  const result: Inbound = { framesDecoded: 0, frameWidth: 0, videoBytes: 0, audioPackets: 0 };
  stats.forEach(
    (report: {
      type: string;
      kind?: string;
      framesDecoded?: number;
      frameWidth?: number;
      bytesReceived?: number;
      packetsReceived?: number;
    }) => {
      if (report.type !== 'inbound-rtp') return;
      if (report.kind === 'video') {
        result.framesDecoded += report.framesDecoded ?? 0;
        result.frameWidth = Math.max(result.frameWidth, report.frameWidth ?? 0);
        result.videoBytes += report.bytesReceived ?? 0;
      } else if (report.kind === 'audio') {
        result.audioPackets += report.packetsReceived ?? 0;
      }
    },
  );
  return result;
}

/** Waits until `el` decodes frames of `peer` that keep coming, and receives its audio packets. */
export async function expectLiveMedia(el: MeetingRoom, peer: MeetingRoom, timeoutMs = 15_000): Promise<void> {
  await until(async () => (await inbound(el, peer)).framesDecoded > 0, `${el.name} decoding ${peer.name}`, timeoutMs);
  const before = await inbound(el, peer);
  await until(
    async () => {
      const now = await inbound(el, peer);
      return now.framesDecoded >= before.framesDecoded + 5 && now.audioPackets > before.audioPackets;
    },
    `${el.name}: frames and audio of ${peer.name} rising`,
    timeoutMs,
  );
}

export function remoteTile(el: MeetingRoom, peer: MeetingRoom): HTMLElement | undefined {
  return parts(el, 'remote').find((t) => t.dataset['clientId'] === peer.clientId);
}

export function remoteTiles(el: MeetingRoom): HTMLElement[] {
  return parts(el, 'remote');
}

/** Elements that joined `room` one after another, each waiting until it is in. */
export async function joined(
  room: string,
  names: string[],
  attrs: Record<string, string> = {},
): Promise<MeetingRoom[]> {
  const elements: MeetingRoom[] = [];
  for (const name of names) {
    const el = await meetingRoom(room, { name, ...attrs });
    await el.join();
    await until(() => el.state === 'joined', `${name} joined`);
    elements.push(el);
  }
  return elements;
}

/** Elements that joined `room` on the server at `signalUrl`, one after another. */
export async function joinedVia(
  signalUrl: string,
  room: string,
  names: string[],
  attrs: Record<string, string> = {},
): Promise<MeetingRoom[]> {
  return joined(room, names, { 'signal-url': signalUrl, ...attrs });
}

/** Waits until every pair of elements has a connected link and live media both ways. */
export async function fullyConnected(elements: MeetingRoom[]): Promise<void> {
  for (const el of elements) {
    for (const peer of elements) {
      if (el === peer) continue;
      await until(
        () => el.call?.link(peer.clientId!)?.connection.connectionState === 'connected',
        `${el.name} ↔ ${peer.name} connected`,
        15_000,
      );
      await expectLiveMedia(el, peer);
    }
  }
}
