/** Participant tiles: the local one and one per remote participant. */
import { html, nothing } from 'lit';
import type { Participant } from '../../core/call.js';
import type { LinkQuality } from '../../core/peer-link.js';
import { linkProblem, type MeetingRoomStrings } from '../strings.js';
import { avatar } from './avatar.js';
import { fresh } from './fresh.js';
import { icon, MicOff, Pin, VideoOff } from './icons.js';

/** What floats over a tile: the raised hand's place in the queue (0: down) and the latest reaction. */
export interface TileExtras {
  hand: number;
  /** Speaking now (a ring, and `speaking` in part and attribute). */
  speaking: boolean;
  /** Pinned by us (the pin button is pressed). */
  pinned: boolean;
  /** The large tile of the speaker view. */
  focus: boolean;
  pin: () => void;
  reaction: { id: number; emoji: string } | undefined;
}

function extras(t: MeetingRoomStrings, x: TileExtras, name: string) {
  return html`<button
      part="button pin-button"
      type="button"
      aria-pressed=${x.pinned ? 'true' : 'false'}
      aria-label=${t.pin(name)}
      @click=${x.pin}
    >
      ${icon(Pin)}
    </button>
    ${x.hand ? html`<span part="hand" role="img" aria-label=${t.handInLine(x.hand)}>✋ ${x.hand}</span>` : nothing}
    ${
      x.reaction
        ? // Two alike templates in turn: each new reaction is a new element, so its animation starts over.
          x.reaction.id % 2
          ? html`<span part="reaction-float" aria-hidden="true" data-odd>${x.reaction.emoji}</span>`
          : html`<span part="reaction-float" aria-hidden="true">${x.reaction.emoji}</span>`
        : nothing
    }`;
}

export interface LocalTileState {
  /** `float`: a small overlay in a corner, outside the grid. */
  float: boolean;
  name: string;
  stream: MediaStream | undefined;
  micOn: boolean;
  cameraOn: boolean;
}

/**
 * `srcObject` is bound with `fresh()`: Lit commits an object-valued binding on
 * every render, even the same object, and assigning `srcObject` (even the same
 * stream) reloads the media element. `fresh()` compares with the element's
 * current value and assigns only a stream that really changed.
 */
export function localTile(
  t: MeetingRoomStrings,
  local: LocalTileState,
  onMetadata: (event: Event) => void,
  x: TileExtras,
) {
  const parts = [
    'tile',
    'local',
    local.micOn ? '' : 'muted',
    local.cameraOn ? '' : 'camera-off',
    x.speaking ? 'speaking' : '',
    x.focus ? 'focus' : '',
    local.float ? 'float' : '',
  ].filter(Boolean);
  const label = t.you(local.name || t.guest);
  // The initials until there is a picture: camera off, or still starting (joining does not wait for it).
  const picture = local.cameraOn && local.stream?.getVideoTracks().length;
  return html`<div
    part=${parts.join(' ')}
    role="listitem"
    aria-label=${label}
    ?speaking=${x.speaking}
    @dblclick=${x.pin}
  >
    <video
      part="video"
      data-local
      .srcObject=${fresh(local.stream ?? null)}
      .muted=${true}
      ?hidden=${!picture}
      autoplay
      playsinline
      @loadedmetadata=${onMetadata}
    ></video>
    ${picture ? nothing : avatar(local.name)}
    <span part="name">${label}</span>
    ${indicators(t, local.micOn, local.cameraOn)} ${extras(t, x, label)}
  </div>`;
}

export function remoteTile(
  t: MeetingRoomStrings,
  p: Participant,
  soundBlocked: boolean,
  onMetadata: (event: Event) => void,
  x: TileExtras,
) {
  const connecting = !p.problem && (p.connectionState === 'new' || p.connectionState === 'connecting');
  const failed = Boolean(p.problem) || p.connectionState === 'failed' || p.connectionState === 'disconnected';
  const parts = [
    'tile',
    'remote',
    p.audioEnabled ? '' : 'muted',
    p.videoEnabled ? '' : 'camera-off',
    connecting ? 'connecting' : '',
    failed ? 'failed' : '',
    p.quality?.path === 'relay' ? 'relayed' : '',
    x.speaking ? 'speaking' : '',
    x.focus ? 'focus' : '',
  ].filter(Boolean);
  const label = p.name || t.guest;
  const problem = p.problem ? (linkProblem(t, p.problem.cause) ?? p.problem.message) : '';
  return html`<div
    part=${parts.join(' ')}
    role="listitem"
    aria-label=${label}
    data-client-id=${p.clientId}
    data-connection=${p.connectionState}
    data-path=${p.quality?.path ?? nothing}
    data-quality=${p.quality?.level ?? nothing}
    ?speaking=${x.speaking}
    @dblclick=${x.pin}
  >
    <video
      part="video"
      data-remote
      .srcObject=${fresh(p.stream ?? null)}
      .muted=${soundBlocked}
      ?hidden=${!p.videoEnabled}
      autoplay
      playsinline
      @loadedmetadata=${onMetadata}
    ></video>
    ${p.videoEnabled ? nothing : avatar(p.name)}
    <span part="name">${label}</span>
    ${indicators(
      t,
      p.audioEnabled,
      p.videoEnabled,
      problem || (connecting ? t.connecting : failed ? t.connectionLost : p.background ? t.inBackground : ''),
    )}
    ${p.quality && !failed ? quality(t, p.quality) : nothing} ${extras(t, x, label)}
  </div>`;
}

/** The local sharer's tile: a notice instead of a mirror of their own screen. */
export function presentingTile(t: MeetingRoomStrings, stop: () => void, focus: boolean) {
  return html`<div
    part=${focus ? 'tile screen local focus' : 'tile screen local'}
    role="listitem"
    aria-label=${t.presenting}
  >
    <p part="presenting">${t.presenting}</p>
    <button part="button stop-share-button" type="button" @click=${stop}>${t.stopPresenting}</button>
  </div>`;
}

/** Someone's shared screen: its own large tile (fresh() keeps it from reloading on renders). */
export function screenTile(t: MeetingRoomStrings, p: Participant, onMetadata: (event: Event) => void, x: TileExtras) {
  const label = t.screenOf(p.name || t.guest);
  return html`<div
    part=${x.focus ? 'tile screen remote focus' : 'tile screen remote'}
    role="listitem"
    aria-label=${label}
    data-client-id=${p.clientId}
    @dblclick=${x.pin}
  >
    <video
      part="video screen-video"
      data-screen
      .srcObject=${fresh(p.screenStream ?? null)}
      .muted=${true}
      autoplay
      playsinline
      @loadedmetadata=${onMetadata}
    ></video>
    <span part="name">${label}</span>
    ${extras(t, { ...x, hand: 0, reaction: undefined }, label)}
  </div>`;
}

function indicators(t: MeetingRoomStrings, mic: boolean, camera: boolean, connection = '') {
  return html`<span part="indicators">
    ${mic ? nothing : html`<span data-indicator="muted" role="img" aria-label=${t.muted}>${icon(MicOff)}</span>`}
    ${
      camera
        ? nothing
        : html`<span data-indicator="camera-off" role="img" aria-label=${t.cameraOff}>${icon(VideoOff)}</span>`
    }
    ${connection ? html`<span data-indicator="connection">${connection}</span>` : nothing}
  </span>`;
}

function quality(t: MeetingRoomStrings, q: LinkQuality) {
  const details = [
    q.rttMs === undefined ? '' : `${Math.round(q.rttMs)} ms`,
    `${q.lossPercent}% loss`,
    `${q.bitrateKbps} kbps`,
  ]
    .filter(Boolean)
    .join(', ');
  const label = `${q.path === 'relay' ? t.relayed : t.direct} · ${t.quality[q.level]}`;
  const text = `${label} · ${details}`;
  // Signal bars; path, quality and the numbers on hover or focus.
  return html`<span part="quality" data-level=${q.level} tabindex="0" role="img" aria-label=${text} data-tip=${text}
    ><i></i><i></i><i></i
  ></span>`;
}
