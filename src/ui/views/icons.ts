/**
 * Icons from lucide (ISC licence), imported one by one so that only these
 * travel. lucide gives each icon as data (tag and attributes); this renders
 * the three shapes they use through static Lit templates (no innerHTML, so
 * strict CSP and Trusted Types pages stay clean). Stroke, size and colour
 * come from the `icon` part's style: `currentColor`.
 */
import { html, svg } from 'lit';
import type { IconNode } from 'lucide';

export {
  Ellipsis,
  Hand,
  Maximize2,
  MessageSquare,
  Mic,
  MicOff,
  MonitorUp,
  PhoneOff,
  PictureInPicture2,
  Pin,
  Settings2,
  Smile,
  Users,
  Video,
  VideoOff,
  X,
} from 'lucide';

type Shape = IconNode[number];

/** The shapes these icons use, each with every attribute lucide gives it (rects always have rx). */
function shape([tag, a]: Shape) {
  if (tag === 'circle') return svg`<circle cx=${a['cx']} cy=${a['cy']} r=${a['r']} />`;
  if (tag === 'rect') {
    return svg`<rect x=${a['x']} y=${a['y']} width=${a['width']} height=${a['height']} rx=${a['rx']} />`;
  }
  return svg`<path d=${a['d']} />`;
}

/** An icon, hidden from assistive technology: the control it sits in carries the name. */
export const icon = (node: IconNode) =>
  html`<svg part="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">${node.map(shape)}</svg>`;
