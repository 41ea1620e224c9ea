// Session tokens: `v1.<userId>.<issuedAt base36>.<HMAC-SHA256 base64url>`.
import { createHmac, timingSafeEqual } from 'node:crypto';

const VERSION = 'v1';
const MAX_AGE_MS = 400 * 24 * 60 * 60 * 1000;
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface TokenClaims {
  userId: string;
  issuedAt: number;
}

export class TokenSigner {
  readonly #secret: string;

  constructor(secret: string) {
    this.#secret = secret;
  }

  sign(userId: string, issuedAt = Date.now()): string {
    if (!ID_PATTERN.test(userId)) throw new Error('user ids are URL-safe');
    const body = `${VERSION}.${userId}.${issuedAt.toString(36)}`;
    return `${body}.${this.#mac(body)}`;
  }

  /** The claims of a well-formed, authentic, unexpired token; otherwise null. */
  verify(token: unknown, now = Date.now()): TokenClaims | null {
    if (typeof token !== 'string' || token.length > 256) return null;
    const parts = token.split('.');
    if (parts.length !== 4) return null;
    const [version, userId, issued, mac] = parts as [string, string, string, string];
    if (version !== VERSION || !ID_PATTERN.test(userId) || !/^[0-9a-z]{1,12}$/.test(issued)) return null;
    const expected = Buffer.from(this.#mac(`${version}.${userId}.${issued}`));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const issuedAt = parseInt(issued, 36);
    if (issuedAt > now + 60_000 || now - issuedAt > MAX_AGE_MS) return null;
    return { userId, issuedAt };
  }

  #mac(body: string): string {
    return createHmac('sha256', this.#secret).update(body).digest('base64url');
  }
}
