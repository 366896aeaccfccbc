/**
 * JOIN tokens: HS256 JWTs verified with `jose`. Only HS256 is accepted
 * (`alg: none` and every other algorithm are refused), `exp` is required and
 * the `room` claim must equal the room being joined.
 */
import { errors, jwtVerify } from 'jose';
import { MAX_NAME_LENGTH } from '../src/protocol/index.js';

/** Clock skew tolerated on `exp` and `nbf`, in seconds. */
export const CLOCK_LEEWAY_SECONDS = 5;

export interface Identity {
  /** From the `name` claim, which overrides the name the client chose. */
  name?: string;
  /** From the `role` claim, shown to peers. */
  role?: string;
}

export type VerifyResult = { ok: true; identity: Identity } | { ok: false; reason: string };

export class TokenVerifier {
  readonly #key: Uint8Array;

  constructor(secret: string) {
    this.#key = new TextEncoder().encode(secret);
  }

  async verify(token: string | undefined, room: string): Promise<VerifyResult> {
    if (token === undefined) return { ok: false, reason: 'a token is required to join' };
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        algorithms: ['HS256'],
        requiredClaims: ['exp', 'room'],
        clockTolerance: CLOCK_LEEWAY_SECONDS,
      });
      if (payload['room'] !== room) return { ok: false, reason: 'the token is for another room' };
      const name = payload['name'];
      const role = payload['role'];
      return {
        ok: true,
        identity: {
          name: typeof name === 'string' ? name.slice(0, MAX_NAME_LENGTH) : undefined,
          role: typeof role === 'string' && role.length > 0 ? role.slice(0, 32) : undefined,
        },
      };
    } catch (error) {
      return { ok: false, reason: describe(error) };
    }
  }
}

/** A reason safe to show the client: never echoes the token. */
function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `the token's ${error.claim} claim is missing or invalid`;
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token must be signed with HS256';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the token signature is invalid';
  return 'the token is malformed';
}
