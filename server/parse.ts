/**
 * The first two steps of the per-message pipeline: a guarded JSON parse, then
 * validation against the schema of the message's type. Pure functions.
 */
import * as v from 'valibot';
import { CLIENT_SCHEMAS, type ClientMessage, type ClientMessageType } from '../src/protocol/index.js';

export type ParseResult =
  { ok: true; message: ClientMessage } | { ok: false; code: 'bad-json' | 'bad-message'; message: string; ref?: string };

const isType = (type: unknown): type is ClientMessageType =>
  typeof type === 'string' && Object.hasOwn(CLIENT_SCHEMAS, type);

export function parseClientMessage(text: string): ParseResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, code: 'bad-json', message: 'the frame is not valid JSON' };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, code: 'bad-message', message: 'a message must be a JSON object' };
  }
  const type = (data as { type?: unknown }).type;
  if (!isType(type)) {
    return {
      ok: false,
      code: 'bad-message',
      message:
        typeof type === 'string' ? `unknown message type "${type.slice(0, 32)}"` : 'the field "type" must be a string',
    };
  }
  const result = v.safeParse(CLIENT_SCHEMAS[type], data, { abortEarly: true });
  if (!result.success) {
    const issue = result.issues[0];
    const path = v.getDotPath(issue) ?? 'message';
    return { ok: false, code: 'bad-message', message: `${type}.${path}: ${issue.message}`.slice(0, 200), ref: type };
  }
  return { ok: true, message: result.output as ClientMessage };
}
