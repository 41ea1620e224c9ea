// Session tokens. A token names a session record (server/store/sessions.ts):
//   `v2.<sessionId>.<HMAC-SHA256 base64url>`
// Tokens of the first format, `v1.<userId>.<issuedAt base36>.<HMAC>`, named a
// user; each is still accepted until its own expiry and is moved into a
// session record of its own on first use (docs/accounts.md, "Upgrading").
import { createHmac, timingSafeEqual } from 'node:crypto';
import { LEGACY_TOKEN_MAX_AGE_MS } from '../store/sessions.ts';

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
/** Prefix of the session ids derived from first-format tokens; random ids never start with it. */
const LEGACY_PREFIX = 'v1-';

/** Shared by every use of one token (TokenSigner keeps it): read-only. */
export type ParsedToken =
  | { readonly kind: 'session'; readonly sessionId: string }
  | {
      readonly kind: 'legacy';
      /** Derived from the token, so every use of it names the same session. */
      readonly sessionId: string;
      readonly userId: string;
      readonly issuedAt: number;
    };

/** Verified tokens kept (about 200 bytes each); past it the oldest go first. */
export const VERIFIED_TOKENS_KEPT = 10_000;

export class TokenSigner {
  readonly #secret: string;
  /**
   * Tokens whose MAC was verified, by their exact string: a client presents
   * the same token on every request and connection, and its HMAC (with the
   * split and checks around it) was a few percent of a join's CPU. Only an
   * authentic token gets in, and a forged one is another string, so it misses
   * and is checked in full. What a hit returns is what verifying would: the
   * session it names; whether that session still works (revoked, expired,
   * signed out) is the caller's check on every use (Sessions.authenticate),
   * so a revocation needs nothing here. A first-format token's own expiry is
   * checked again on every hit.
   */
  readonly #verified = new Map<string, ParsedToken>();

  constructor(secret: string) {
    this.#secret = secret;
  }

  /** Verified tokens held now (tests). */
  get verifiedKept(): number {
    return this.#verified.size;
  }

  /** The token of a session. */
  sign(sessionId: string): string {
    if (!SESSION_ID_PATTERN.test(sessionId) && !isLegacySessionId(sessionId)) throw new Error('not a session id');
    const body = `v2.${sessionId}`;
    return `${body}.${this.#mac(body)}`;
  }

  /** A token of the first format (tests and upgrade checks only: the server no longer issues them). */
  signLegacy(userId: string, issuedAt = Date.now()): string {
    if (!ID_PATTERN.test(userId)) throw new Error('user ids are URL-safe');
    const body = `v1.${userId}.${issuedAt.toString(36)}`;
    return `${body}.${this.#mac(body)}`;
  }

  /** What a well-formed, authentic (and, for the first format, unexpired) token names; otherwise null. */
  parse(token: unknown, now = Date.now()): ParsedToken | null {
    if (typeof token !== 'string' || token.length > 256) return null;
    const known = this.#verified.get(token);
    if (known !== undefined) return known.kind === 'session' || inDate(known.issuedAt, now) ? known : null;
    const parsed = this.#verify(token, now);
    if (parsed) this.#remember(token, parsed);
    return parsed;
  }

  #verify(token: string, now: number): ParsedToken | null {
    const parts = token.split('.');
    if (parts[0] === 'v2' && parts.length === 3) {
      const [, sessionId, mac] = parts as [string, string, string];
      if (!SESSION_ID_PATTERN.test(sessionId) && !isLegacySessionId(sessionId)) return null;
      return this.#authentic(`v2.${sessionId}`, mac) ? { kind: 'session', sessionId } : null;
    }
    if (parts[0] === 'v1' && parts.length === 4) {
      const [, userId, issued, mac] = parts as [string, string, string, string];
      if (!ID_PATTERN.test(userId) || !/^[0-9a-z]{1,12}$/.test(issued)) return null;
      if (!this.#authentic(`v1.${userId}.${issued}`, mac)) return null;
      const issuedAt = parseInt(issued, 36);
      if (!inDate(issuedAt, now)) return null;
      return { kind: 'legacy', sessionId: LEGACY_PREFIX + this.#mac(`legacy-session.${mac}`).slice(0, 22), userId, issuedAt };
    }
    return null;
  }

  #remember(token: string, parsed: ParsedToken): void {
    if (this.#verified.size >= VERIFIED_TOKENS_KEPT) {
      const oldest = this.#verified.keys().next();
      if (!oldest.done) this.#verified.delete(oldest.value);
    }
    this.#verified.set(token, parsed);
  }

  #authentic(body: string, mac: string): boolean {
    const expected = Buffer.from(this.#mac(body));
    const given = Buffer.from(mac);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  #mac(body: string): string {
    return createHmac('sha256', this.#secret).update(body).digest('base64url');
  }
}

/** A first-format token is good from a minute before it was issued (clock skew) until its maximum age. */
function inDate(issuedAt: number, now: number): boolean {
  return issuedAt <= now + 60_000 && now - issuedAt <= LEGACY_TOKEN_MAX_AGE_MS;
}

function isLegacySessionId(id: string): boolean {
  return id.startsWith(LEGACY_PREFIX) && SESSION_ID_PATTERN.test(id.slice(LEGACY_PREFIX.length));
}
