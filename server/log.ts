/**
 * Structured logs (pino). Secrets are redacted by path in case a caller logs
 * a whole message; callers should not log tokens in the first place.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'meeting-room' },
      redact: {
        paths: ['token', 'resumeToken', '*.token', '*.resumeToken', 'authorization', '*.authorization', 'credential'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
