// Handles: what a valid one looks like, which ones nobody may take, and the
// "skeleton" under which two handles that look alike count as the same one.
// Shared so the client can explain a refusal before asking the server.

export const HANDLE_MIN = 3;
export const HANDLE_MAX = 30;
export const HANDLE_PATTERN = /^[a-z0-9_]{3,30}$/;

/**
 * Names that would pass for the site, its staff or one of its routes. A handle
 * whose skeleton equals the skeleton of one of these is refused.
 */
export const RESERVED_HANDLES: readonly string[] = [
  'about',
  'account',
  'accounts',
  'admin',
  'administrator',
  'anonymous',
  'api',
  'app',
  'assets',
  'auth',
  'blog',
  'contact',
  'deleted',
  'deleted_user',
  'editor',
  'everyone',
  'explore',
  'feed',
  'followers',
  'following',
  'g',
  'gallery',
  'guest',
  'healthz',
  'help',
  'here',
  'home',
  'live',
  'login',
  'logout',
  'mail',
  'me',
  'media',
  'metrics',
  'mod',
  'moderation',
  'moderator',
  'moderators',
  'mods',
  'new',
  'nobody',
  'notifications',
  'null',
  'official',
  'owner',
  'privacy',
  'r',
  'register',
  'root',
  'search',
  'security',
  'settings',
  'signin',
  'signout',
  'signup',
  'socket_io',
  'staff',
  'static',
  'support',
  'system',
  'terms',
  'top',
  'u',
  'undefined',
  'user',
  'users',
  'viewer',
  'webmaster',
  'www',
  'yjs',
];

/** Skeleton fragments no handle may contain at all (the product's own name). */
const FORBIDDEN_FRAGMENTS = ['atelier'];
/** Skeleton prefixes that read as staff ("admin_team", "official_news"). */
const FORBIDDEN_PREFIXES = ['admin', 'moderator', 'official'];

/** The handle as stored: no `@`, no surrounding space, lower case. Validity is checked separately. */
export function normalizeHandle(input: string): string {
  return input.trim().replace(/^@/, '').toLowerCase();
}

/**
 * What a handle looks like at a glance: underscores dropped, digits read as
 * the letters they imitate, letter pairs that render as one letter merged.
 * `Alice`, `a1ice`, `al_ice` and `aiice` share one skeleton.
 */
export function handleSkeleton(handle: string): string {
  return handle
    .toLowerCase()
    .replace(/_/g, '')
    .replace(/[0o]/g, 'o')
    .replace(/[1il]/g, 'l')
    .replace(/3/g, 'e')
    .replace(/4/g, 'a')
    .replace(/5/g, 's')
    .replace(/6/g, 'b')
    .replace(/7/g, 't')
    .replace(/8/g, 'b')
    .replace(/9/g, 'g')
    .replace(/2/g, 'z')
    .replace(/rn/g, 'm')
    .replace(/vv/g, 'w');
}

const RESERVED_SKELETONS = new Set(RESERVED_HANDLES.map(handleSkeleton));
const FRAGMENT_SKELETONS = FORBIDDEN_FRAGMENTS.map(handleSkeleton);
const PREFIX_SKELETONS = FORBIDDEN_PREFIXES.map(handleSkeleton);

export type HandleProblem = { kind: 'invalid'; message: string } | { kind: 'reserved'; message: string };

/** Why this (normalized) handle can never be taken, or null when it may be (if nobody holds it). */
export function handleProblem(handle: string): HandleProblem | null {
  if (handle.length < HANDLE_MIN || handle.length > HANDLE_MAX) {
    return { kind: 'invalid', message: `a handle has ${HANDLE_MIN}–${HANDLE_MAX} characters` };
  }
  if (!HANDLE_PATTERN.test(handle)) {
    return { kind: 'invalid', message: 'a handle has only letters a–z, digits and underscores' };
  }
  if (!/[a-z0-9]/.test(handle)) return { kind: 'invalid', message: 'a handle needs at least one letter or digit' };
  const skeleton = handleSkeleton(handle);
  if (
    RESERVED_SKELETONS.has(skeleton) ||
    FRAGMENT_SKELETONS.some((f) => skeleton.includes(f)) ||
    PREFIX_SKELETONS.some((p) => skeleton.startsWith(p))
  ) {
    return { kind: 'reserved', message: `@${handle} is reserved` };
  }
  return null;
}
