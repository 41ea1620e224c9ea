// Accounts: sign-in with passkeys and OpenID Connect, sessions, handles (Config's `accounts`).
import { z } from 'zod';
import { int, optionalUrl, setting } from './setting.ts';

export const accountSettings = {
  authRequestsPerMinute: setting(
    'AUTH_REQUESTS_PER_MINUTE',
    int(1).default(60),
    'sign-in requests (`/api/auth/*`, `/auth/oidc/*`) per IP, across all nodes in scaled mode (`rate_limited`)',
  ),
  challengeTtlSeconds: setting(
    'AUTH_CHALLENGE_TTL_SECONDS',
    int(10, 3600).default(300),
    'time allowed to answer a passkey prompt or finish an OpenID Connect sign-in (its challenge or state is single-use)',
  ),
  maxPendingChallenges: setting(
    'AUTH_MAX_PENDING_CHALLENGES',
    int(1).default(10_000),
    'sign-ins in progress kept at once without `REDIS_URL` (the oldest are dropped)',
  ),
  sessionTtlDays: setting('SESSION_TTL_DAYS', int(1, 3650).default(400), 'a session unused this long expires'),
  sessionRecheckMs: setting(
    'SESSION_RECHECK_MS',
    int(100, 60_000).default(4000),
    'how long a node trusts its cached copy of a session; a sign-out reaches every node and closes its sockets within this even if a Redis message is lost',
  ),
  maxSessionsPerUser: setting(
    'MAX_SESSIONS_PER_USER',
    int(1, 10_000).default(50),
    'sessions one user may hold; one more signs out the least recently used',
  ),
  handleHoldDays: setting(
    'HANDLE_HOLD_DAYS',
    int(0, 3650).default(30),
    "how long a changed handle (or a deleted account's) stays its owner's before anyone else may take it",
  ),
  handleChangesPerDay: setting(
    'HANDLE_CHANGES_PER_DAY',
    int(1).default(20),
    'attempts per user per day to take a new handle, refused ones included (`rate_limited`)',
  ),
  /** Config's `accounts.oidc` is undefined unless issuer, client id and secret are all set. */
  oidc: {
    issuer: setting(
      'OIDC_ISSUER',
      optionalUrl(['https://', 'http://']).transform((u) => u?.replace(/\/$/, '')),
      'OpenID Connect issuer (plain `http://` only on localhost); with the next two, enables sign-in with it',
    ),
    clientId: setting('OIDC_CLIENT_ID', z.string().min(1).max(400).optional(), 'the client id registered at the issuer'),
    clientSecret: setting('OIDC_CLIENT_SECRET', z.string().min(1).max(400).optional(), 'its client secret'),
    label: setting('OIDC_LABEL', z.string().trim().min(1).max(60).default('Single sign-on'), "the OpenID Connect button's text"),
  },
};
