/**
 * What a person chose, remembered per origin under one localStorage key: the
 * name, microphone and camera on or off, and each device by id and label.
 * Storage that throws (private mode, blocked, full) is not an error: nothing
 * is remembered then. Anything stored that does not have the expected shape
 * is ignored.
 */
import type { DeviceChoice, DeviceKind } from '../core/devices.js';
import { MAX_NAME_LENGTH } from '../protocol/constants.js';

export const PREFERENCES_KEY = 'meeting-room';

export interface Preferences {
  name?: string;
  audio?: boolean;
  video?: boolean;
  devices?: Partial<Record<DeviceKind, DeviceChoice>>;
}

const KINDS: DeviceKind[] = ['audioinput', 'videoinput', 'audiooutput'];
const isChoice = (value: unknown): value is DeviceChoice =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as DeviceChoice).deviceId === 'string' &&
  typeof (value as DeviceChoice).label === 'string';

export function loadPreferences(): Preferences {
  let raw: unknown;
  try {
    raw = JSON.parse(localStorage.getItem(PREFERENCES_KEY) ?? '{}');
  } catch {
    return {};
  }
  if (typeof raw !== 'object' || raw === null) return {};
  const stored = raw as Record<string, unknown>;
  const preferences: Preferences = {};
  if (typeof stored['name'] === 'string') preferences.name = stored['name'].slice(0, MAX_NAME_LENGTH);
  if (typeof stored['audio'] === 'boolean') preferences.audio = stored['audio'];
  if (typeof stored['video'] === 'boolean') preferences.video = stored['video'];
  const devices = stored['devices'];
  if (typeof devices === 'object' && devices !== null) {
    for (const kind of KINDS) {
      const choice = (devices as Record<string, unknown>)[kind];
      if (isChoice(choice)) (preferences.devices ??= {})[kind] = { deviceId: choice.deviceId, label: choice.label };
    }
  }
  return preferences;
}

/** Remembers one device choice beside the others. */
export function rememberDevice(kind: DeviceKind, choice: DeviceChoice): void {
  savePreferences({ devices: { ...loadPreferences().devices, [kind]: choice } });
}

/** Merges `patch` into what is stored. */
export function savePreferences(patch: Preferences): void {
  try {
    const next = { ...loadPreferences(), ...patch };
    localStorage.setItem(PREFERENCES_KEY, JSON.stringify(next));
  } catch {
    // Not remembered: private mode or storage blocked.
  }
}

/** The `name` and `role` claims of a JWT, read without verifying it (the server verifies; this only shows them). */
export function tokenClaims(token: string): { name?: string; role?: string } {
  try {
    const payload = token.split('.')[1];
    if (!payload) return {};
    const json = atob(
      payload
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(payload.length / 4) * 4, '='),
    );
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Record<
      string,
      unknown
    >;
    const name = claims['name'];
    const role = claims['role'];
    return {
      ...(typeof name === 'string' && name.trim() ? { name: name.slice(0, MAX_NAME_LENGTH) } : {}),
      ...(typeof role === 'string' ? { role } : {}),
    };
  } catch {
    return {};
  }
}
