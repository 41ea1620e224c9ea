// Accounts on the wire (docs/accounts.md): handles and bios, passkeys, linked
// identities, sessions, profiles, and what an export holds.
import { z } from 'zod';
import { HANDLE_MAX, handleProblem, normalizeHandle } from './handles.ts';
import { textSchema } from './text.ts';
import type { PublicUser, RoomInfo, SessionUser, Work } from './protocol.ts';
import type { NotificationType, Report } from './social.ts';

export const BIO_MAX = 300;
export const PASSKEY_NAME_MAX = 60;
export const PROFILE_WORKS_PAGE_DEFAULT = 24;
export const PROFILE_WORKS_PAGE_MAX = 100;

/** A handle as typed (`@Alice` is fine): normalized, then checked for shape. Reserved names are the server's to refuse. */
export const handleSchema = z
  .string()
  .max(HANDLE_MAX + 8)
  .transform(normalizeHandle)
  .superRefine((handle, ctx) => {
    const problem = handleProblem(handle);
    if (problem?.kind === 'invalid') ctx.addIssue({ code: 'custom', message: problem.message });
  });

export const bioSchema = textSchema({ lines: 'lines', max: BIO_MAX, codePoints: true });

export const passkeyNameSchema = textSchema({ lines: 'line', min: 1, max: PASSKEY_NAME_MAX, codePoints: true });

// WebAuthn responses as @simplewebauthn/browser sends them (base64url fields).
// Only their shape is checked here; @simplewebauthn/server verifies the rest.
const base64url = (max: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, 'not base64url')
    .max(max);
const credentialFields = {
  id: base64url(1366).min(1),
  rawId: base64url(1366).min(1),
  type: z.literal('public-key'),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
};

export const registrationResponseSchema = z.looseObject({
  ...credentialFields,
  response: z.looseObject({
    clientDataJSON: base64url(8192).min(1),
    attestationObject: base64url(32768).min(1),
    transports: z.array(z.string().max(32)).max(10).optional(),
  }),
});

export const authenticationResponseSchema = z.looseObject({
  ...credentialFields,
  response: z.looseObject({
    clientDataJSON: base64url(8192).min(1),
    authenticatorData: base64url(8192).min(1),
    signature: base64url(4096).min(1),
    userHandle: base64url(1024).optional(),
  }),
});

export const PASSKEY_PURPOSES = ['register', 'login'] as const;
export type PasskeyPurpose = (typeof PASSKEY_PURPOSES)[number];

export const passkeyOptionsBodySchema = z.strictObject({ purpose: z.enum(PASSKEY_PURPOSES) });
export const addPasskeyBodySchema = z.strictObject({ response: registrationResponseSchema, name: passkeyNameSchema.optional() });
export const loginBodySchema = z.strictObject({ response: authenticationResponseSchema });
export const renamePasskeyBodySchema = z.strictObject({ name: passkeyNameSchema });
export const deleteAccountBodySchema = z.strictObject({ confirm: z.literal(true) });

export interface PasskeyInfo {
  /** The credential id (base64url). */
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** `multiDevice`: synced by the platform (iCloud Keychain, Google Password Manager…). */
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
}

export interface IdentityInfo {
  id: string;
  issuer: string;
  /** The issuer's account name for it, as its claims gave it. */
  email: string | null;
  name: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface SessionInfo {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  userAgent: string;
  /** The session this request was made with. */
  current: boolean;
}

/** `GET /api/auth/methods`: what the sign-in menu offers. */
export interface AuthMethods {
  passkeys: true;
  /** Present when OpenID Connect is configured; `label` is the button's text. */
  oidc: { label: string } | null;
}

/** `POST /api/auth/login`, and `GET /api/session` when it hands out a token. */
export interface SignedIn {
  user: SessionUser;
  token: string;
}

export interface ProfileStats {
  /** Published works the user is an author of. */
  works: number;
  followers: number;
  following: number;
  /** Likes received by those works. */
  likes: number;
}

/** `GET /api/users/:handleOrId`. */
export interface ProfileResponse {
  user: PublicUser;
  stats: ProfileStats;
  followedByMe: boolean;
  blockedByMe: boolean;
}

/** `GET /api/account/export`: everything the server holds about the caller. */
export interface AccountExport {
  exportedAt: string;
  format: 'atelier-account-export';
  version: 1;
  profile: SessionUser & { createdAt: string };
  sessions: Array<Omit<SessionInfo, 'current'>>;
  passkeys: PasskeyInfo[];
  identities: IdentityInfo[];
  /** Live works they are an author of, newest first. */
  works: Work[];
  likes: Array<{ workId: string; createdAt: string }>;
  /** With `listed`: whether the room is on "Live now" (they listed it). */
  roomsOwned: Array<RoomInfo & { listed: boolean }>;
  /** Rooms they joined through an invite or a link, with the role remembered. */
  memberships: Array<{ roomId: string; role: 'editor' | 'viewer'; joinedAt: string }>;
  /** Rooms whose owner revoked their editing, not granted since (joining there again gives what the link gives), oldest first. */
  revocations: Array<{ roomId: string; revokedAt: string }>;
  /** Comments they wrote, oldest first. */
  comments: Array<{ id: string; workId: string; parentId: string | null; body: string; createdAt: string; editedAt: string | null }>;
  /** Whom they follow and who follows them (user ids). */
  follows: { following: Array<{ userId: string; since: string }>; followers: Array<{ userId: string; since: string }> };
  /** Whom they block (not who blocks them: that is the others' data). */
  blocks: Array<{ userId: string; since: string }>;
  notificationSettings: { muted: NotificationType[] };
  /** Notifications they received, newest first; `actorId` the latest person, `others` how many more. */
  notifications: Array<{
    id: string;
    type: NotificationType;
    actorId: string;
    others: number;
    workId: string | null;
    commentId: string | null;
    roomId: string | null;
    createdAt: string;
    read: boolean;
  }>;
  /** Reports they filed, oldest first (who resolved them stays with the moderators). */
  reports: Report[];
  /** Further sections, as later features add them. */
  [section: string]: unknown;
}
