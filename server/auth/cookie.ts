/** The session cookie set by POST /api/session and by signing in. */
export const SESSION_COOKIE = 'atelier_token';

/** A cookie's value in a Cookie header, if any. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The session token in a Cookie header, if any. */
export function readCookieToken(header: string | undefined): string | undefined {
  return readCookie(header, SESSION_COOKIE);
}
