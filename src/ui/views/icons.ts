/**
 * Icons from lucide (ISC licence), imported one by one so that only these
 * travel. lucide gives each icon as data (tag and attributes); this renders
 * the three shapes they use through static Lit templates (no innerHTML, so
 * strict CSP and Trusted Types pages stay clean). Stroke, size and colour
 * come from the `icon` part's style: `currentColor`.
 */
import { html, nothing, svg } from 'lit';
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
const a = (attrs: Shape[1], name: string) => (attrs[name] as string | undefined) ?? nothing;

function shape([tag, attrs]: Shape) {
  if (tag === 'circle') return svg`<circle cx=${a(attrs, 'cx')} cy=${a(attrs, 'cy')} r=${a(attrs, 'r')} />`;
  if (tag === 'rect') {
    return svg`<rect x=${a(attrs, 'x')} y=${a(attrs, 'y')} width=${a(attrs, 'width')} height=${a(attrs, 'height')} rx=${a(attrs, 'rx')} />`;
  }
  return svg`<path d=${a(attrs, 'd')} />`;
}

/** An icon, hidden from assistive technology: the control it sits in carries the name. */
export const icon = (node: IconNode) =>
  html`<svg part="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">${node.map(shape)}</svg>`;
