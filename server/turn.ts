/**
 * Short-lived TURN credentials in the TURN REST API form that coturn's
 * `use-auth-secret` mode checks: username `<unix expiry>:<clientId>`,
 * credential `base64(HMAC-SHA1(secret, username))`.
 */
import { createHmac } from 'node:crypto';
import type { IceServerConfig } from '../src/protocol/index.js';
import type { TurnConfig } from './config.js';

export function turnCredentials(turn: TurnConfig, clientId: string, nowMs: number = Date.now()): IceServerConfig {
  const expiry = Math.floor(nowMs / 1000 + turn.ttlSeconds);
  const username = `${expiry}:${clientId}`;
  const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
  return { urls: turn.urls, username, credential };
}

/** The ICE servers a member is given in WELCOME, or undefined when none are configured. */
export function iceServersFor(
  config: { turn?: TurnConfig; stunUrls: string[] },
  clientId: string,
): IceServerConfig[] | undefined {
  const servers: IceServerConfig[] = [];
  if (config.stunUrls.length > 0) servers.push({ urls: config.stunUrls });
  if (config.turn) servers.push(turnCredentials(config.turn, clientId));
  return servers.length > 0 ? servers : undefined;
}
