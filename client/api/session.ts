// Who I am: a session token kept in localStorage (the server also sets an
// HttpOnly cookie), validated once per page load. Without a working token the
// cookie is tried (it is all a browser holds coming back from an identity
// provider), and only then is a new guest made.
import type { SignedIn } from '../../shared/accounts.ts';
import type { SessionResponse, SessionUser } from '../../shared/protocol.ts';
import { ApiError, onUnauthorized, request, setToken } from './http.ts';

const TOKEN_KEY = 'atelier.token';
/** Set (readable by scripts) by the server when it signed this browser into another session. */
const SESSION_CHANGED_COOKIE = 'atelier_session_changed';

export interface Session {
  user: SessionUser;
  token: string;
}

let pending: Promise<Session> | null = null;
const listeners = new Set<(session: Session) => void>();
const endedListeners = new Set<() => void>();

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
  const changed = takeSessionChangedMark();
  if (saved && !changed) {
    const found = await probe({ token: saved });
    if (found) return adopt({ user: found.user, token: found.token ?? saved });
  }
  // Back from signing in elsewhere (the server marked it), or the token stopped
  // working: the HttpOnly cookie may name a newer session.
  if (saved || changed) {
    const fromCookie = await probe({ anonymous: true });
    if (fromCookie?.token) return adopt({ user: fromCookie.user, token: fromCookie.token });
  }
  const created = await request<SessionResponse>('POST', '/api/session', { body: {}, anonymous: true });
  return adopt(created);
}

/** Whether the server marked that this browser's session changed (an identity provider's sign-in); clears the mark. */
function takeSessionChangedMark(): boolean {
  const marked = document.cookie.split(';').some((part) => part.trim() === `${SESSION_CHANGED_COOKIE}=1`);
  // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is missing from Firefox and Safari
  if (marked) document.cookie = `${SESSION_CHANGED_COOKIE}=; path=/; max-age=0; samesite=lax`;
  return marked;
}

/** GET /api/session; null when it is not signed in. */
async function probe(options: { token?: string; anonymous?: boolean }): Promise<{ user: SessionUser; token?: string } | null> {
  try {
    return await request<{ user: SessionUser; token?: string }>('GET', '/api/session', options);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
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

function forgetToken(): void {
  setToken(null);
  try {
    localStorage.removeItem(TOKEN_KEY);
  } catch {
    // Nothing stored.
  }
}

function publish(next: Session): Session {
  pending = Promise.resolve(next);
  for (const listener of listeners) listener(next);
  return next;
}

/** Changes my profile (name, colour, handle, bio) everywhere. */
export async function updateMe(patch: { name?: string; color?: string; handle?: string; bio?: string }): Promise<Session> {
  const session = await ensureSession();
  const { user } = await request<{ user: SessionUser }>('PATCH', '/api/session', { body: patch });
  return publish({ user, token: session.token });
}

/** My user changed on the server (a passkey made me an account, a new avatar): everyone sees it. */
export async function userChanged(user: SessionUser): Promise<Session> {
  const session = await ensureSession();
  return publish({ user, token: session.token });
}

/**
 * This browser is now signed in as someone else (a passkey sign-in). The page
 * reloads: every connection and cached answer belonged to the one before.
 */
export function switchTo(signedIn: SignedIn): void {
  adopt(signedIn);
  location.reload();
}

/** Signs this browser out; it goes on as a new guest. */
export async function signOut(): Promise<void> {
  try {
    await request('DELETE', '/api/session');
  } finally {
    forgetToken();
    location.assign('/');
  }
}

/** Called whenever my name, colour, handle or account state changes. */
export function onSessionChange(listener: (session: Session) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Called when the server no longer accepts this browser's session (signed out from another device). */
export function onSessionEnded(listener: () => void): () => void {
  endedListeners.add(listener);
  return () => endedListeners.delete(listener);
}

onUnauthorized(() => void checkSession());

/** Checks the session after a refusal; tells the listeners if it is over. */
export async function checkSession(): Promise<void> {
  const token = readToken();
  if (!token) return;
  if (await probe({ token }).catch(() => true)) return;
  // Signed in as someone else meanwhile (a passkey sign-in revokes the guest
  // session it replaces): the refused token is no longer this browser's to forget.
  if (readToken() !== token) return;
  forgetToken();
  pending = null;
  for (const listener of endedListeners) listener();
}
