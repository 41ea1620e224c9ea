// Accounts, wired: sessions and users (what every transport authenticates
// with), passkeys and OpenID Connect, profiles, export and deletion, and the
// routes and pages that serve them. The composition root calls this once.
import type { Router } from 'express';
import type { Logger } from 'pino';
import { type ChallengeStore, MemoryChallengeStore } from '../auth/challenges.ts';
import { Oidc } from '../auth/oidc.ts';
import { Passkeys } from '../auth/passkeys.ts';
import { type SessionBus, SINGLE_NODE_BUS } from '../auth/session-bus.ts';
import { Sessions } from '../auth/sessions.ts';
import { TokenSigner } from '../auth/tokens.ts';
import { Users } from '../auth/users.ts';
import type { Config } from '../config.ts';
import type { Gallery } from '../gallery/gallery.ts';
import { accountRoutes, avatarRoutes } from '../http/account-routes.ts';
import { authRoutes } from '../http/auth-routes.ts';
import { oidcRoutes } from '../http/oidc-routes.ts';
import { profilePages } from '../http/profile-pages.ts';
import { profileRoutes } from '../http/profile-routes.ts';
import { sessionRoutes } from '../http/session-routes.ts';
import type { MediaStore } from '../media/media-store.ts';
import type { RateLimiter } from '../rate-limit.ts';
import type { Store } from '../store/store.ts';
import type { HandleLookup } from '../social/handles.ts';
import type { AccountListener } from './account-closing.ts';
import { AccountExporter } from './account-export.ts';
import { Listeners, type Subscribable } from '../listeners.ts';
import { accountHandles } from './handle-lookup.ts';
import { Profiles } from './profiles.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60_000;

export interface AccountsDeps {
  config: Config;
  store: Store;
  limiter: RateLimiter;
  /** Scaled mode's shared parts; in-process ones without Redis. */
  scale: { sessionBus: SessionBus; challenges: ChallengeStore } | undefined;
  logger: Logger;
}

export interface Accounts {
  readonly sessions: Sessions;
  readonly users: Users;
  readonly profiles: Profiles;
  /** Handles for the social layer (mentions, MODERATORS). */
  readonly handles: HandleLookup;
  /** Later features add their sections to the export here. */
  readonly exporter: AccountExporter;
  /** Accounts as they close: what else went with them (comments, for open work pages). */
  readonly events: Subscribable<AccountListener>;
  /** The routes: the session's (first, as other routes need none of them) and the rest. */
  routers(parts: { gallery: Gallery }): Router[];
  /** The routes whose bodies are not JSON (the avatar upload). */
  uploadRouters(parts: { media: MediaStore }): Router[];
  close(): void;
}

export function startAccounts({ config, store, limiter, scale, logger }: AccountsDeps): Accounts {
  const settings = config.accounts;
  const log = logger.child({ module: 'accounts' });
  const sessions = new Sessions({
    store: store.sessions,
    tokens: new TokenSigner(config.sessionSecret),
    bus: scale?.sessionBus ?? SINGLE_NODE_BUS,
    recheckMs: settings.sessionRecheckMs,
    ttlMs: settings.sessionTtlDays * DAY_MS,
    maxPerUser: settings.maxSessionsPerUser,
    logger: log,
  });
  sessions.start();
  const handleHoldMs = settings.handleHoldDays * DAY_MS;
  const users = new Users(store.records, store.accounts, sessions, { handleHoldMs, cacheMs: settings.sessionRecheckMs });
  const challenges = scale?.challenges ?? new MemoryChallengeStore(settings.maxPendingChallenges);
  const challengeTtlMs = settings.challengeTtlSeconds * 1000;
  const suspended = (userId: string) => store.social.moderation.isSuspended(userId);
  const passkeys = new Passkeys({ accounts: store.accounts, records: store.records, challenges, suspended, challengeTtlMs });
  const oidc = settings.oidc
    ? new Oidc({
        settings: settings.oidc,
        accounts: store.accounts,
        records: store.records,
        challenges,
        suspended,
        ttlMs: challengeTtlMs,
        logger: log,
      })
    : undefined;
  const profiles = new Profiles(store.records, store.accounts, store.gallery);
  const exporter = new AccountExporter({
    records: store.records,
    accounts: store.accounts,
    sessions: store.sessions,
    gallery: store.gallery,
    live: store.live,
  });
  const cookieMaxAgeMs = settings.sessionTtlDays * DAY_MS;
  const events = new Listeners<AccountListener>(log, 'accounts');

  return {
    sessions,
    users,
    profiles,
    handles: accountHandles(store.accounts, store.records),
    exporter,
    events,
    routers: ({ gallery }) => [
      sessionRoutes(users, sessions, limiter, {
        sessionLimit: { limit: config.limits.sessionsPerMinute, windowMs: MINUTE_MS },
        handleChangeLimit: { limit: settings.handleChangesPerDay, windowMs: DAY_MS },
        cookieMaxAgeMs,
      }),
      authRoutes({
        users,
        passkeys,
        sessions,
        accounts: store.accounts,
        limiter,
        authLimit: { limit: settings.authRequestsPerMinute, windowMs: MINUTE_MS },
        publicUrl: config.publicUrl,
        oidcLabel: oidc?.label,
        cookieMaxAgeMs,
      }),
      ...(oidc ? [oidcRoutes({ oidc, sessions, publicUrl: config.publicUrl, stateTtlMs: challengeTtlMs, cookieMaxAgeMs })] : []),
      accountRoutes({ users, exporter, closing: { accounts: store.accounts, sessions, gallery, handleHoldMs, events } }),
      profileRoutes(profiles, gallery),
      profilePages(profiles, gallery, { publicUrl: config.publicUrl, maxAgeSeconds: config.gallery.maxAgeSeconds }),
    ],
    uploadRouters: ({ media }) => [avatarRoutes({ users, media, limiter, limits: config.limits })],
    close: () => sessions.close(),
  };
}
