// Who I am: a session token kept in localStorage (the server also sets an
// HttpOnly cookie), validated once per page load, created when missing.
import type { PublicUser, SessionResponse } from '../../shared/protocol.ts';
import { ApiError, request, setToken } from './http.ts';

const TOKEN_KEY = 'atelier.token';

export interface Session {
  user: PublicUser;
  token: string;
}

let pending: Promise<Session> | null = null;
const listeners = new Set<(session: Session) => void>();

/** The current session, creating one on first use. */
export function ensureSession(): Promise<Session> {
  pending ??= load().catch((err: unknown) => {
    pending = null;
    throw err;
  });
  return pending;
}

async function load(): Promise<Session> {
  const saved = readToken();
  if (saved) {
    try {
      const { user } = await request<{ user: PublicUser }>('GET', '/api/session', { token: saved });
      return adopt({ user, token: saved });
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
    }
  }
  const created = await request<SessionResponse>('POST', '/api/session', { body: {}, anonymous: true });
  return adopt(created);
}

function adopt(session: Session): Session {
  performance.mark('atelier:session');
  setToken(session.token);
  try {
    localStorage.setItem(TOKEN_KEY, session.token);
  } catch {
    // Private modes may refuse storage; the session still lives in the cookie for this visit.
  }
  return session;
}

function readToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

/** Renames me (or changes my colour) everywhere. */
export async function updateMe(patch: { name?: string; color?: string }): Promise<Session> {
  const session = await ensureSession();
  const { user } = await request<{ user: PublicUser }>('PATCH', '/api/session', { body: patch });
  const next = { user, token: session.token };
  pending = Promise.resolve(next);
  for (const listener of listeners) listener(next);
  return next;
}

/** Called whenever my name or colour changes. */
export function onSessionChange(listener: (session: Session) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
