/**
 * `<meeting-room>` in React 19 JSX: `import type {} from 'meeting-room/jsx'`
 * (or list it in `types`) and TSX type-checks the element's attributes.
 */
import type * as React from 'react';
import type { MeetingRoom } from './meeting-room.js';

/** The element's attributes as JSX props. */
export interface MeetingRoomAttributes {
  room: string;
  'signal-url'?: string;
  'ice-servers'?: string;
  'ice-transport-policy'?: 'all' | 'relay';
  name?: string;
  token?: string;
  autojoin?: boolean;
  'no-audio'?: boolean;
  'no-video'?: boolean;
  lang?: string;
}

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'meeting-room': Omit<React.DetailedHTMLProps<React.HTMLAttributes<MeetingRoom>, MeetingRoom>, 'lang'> &
        MeetingRoomAttributes;
    }
  }
}
