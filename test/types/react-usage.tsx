// Type-checked by test/tooling/types.test.ts: <meeting-room> in React 19 TSX.
import type {} from '../../src/ui/jsx.js';

export function Meeting({ room }: { room: string }) {
  return (
    <meeting-room
      room={room}
      signal-url="wss://meet.example/ws"
      ice-transport-policy="relay"
      name="Ada"
      autojoin
      no-video
      lang="de"
      className="call"
    />
  );
}

// @ts-expect-error autojoin is a boolean attribute
export const wrongType = <meeting-room room="x" autojoin="yes" />;

// @ts-expect-error room is required
export const missingRoom = <meeting-room />;

// @ts-expect-error ice-transport-policy is all or relay
export const wrongPolicy = <meeting-room room="x" ice-transport-policy="direct" />;
