// Passkeys (WebAuthn) with @simplewebauthn/server: the options a browser
// needs, registering a passkey to the signed-in user (a guest becomes an
// account, keeping its id) and signing in with one. Every challenge is
// single-use and expires; nothing is stored unless a response verifies.
import type { AuthenticationResponseJSON, AuthenticatorTransport, RegistrationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';
import type { PasskeyInfo, PasskeyPurpose } from '../../shared/accounts.ts';
import { describeUserAgent } from '../../shared/user-agent.ts';
import { AppError } from '../errors.ts';
import type { AccountStore, PasskeyRecord } from '../store/accounts.ts';
import type { RecordStore, UserRecord } from '../store/records.ts';
import type { ChallengeStore } from './challenges.ts';
import type { RelyingParty } from './relying-party.ts';

export const RP_NAME = 'Atelier';

/**
 * @simplewebauthn/server brings every attestation format's certificate
 * parsing: about a second of loading, which a server that no one signs in to
 * (or the export script, which shares the store code) need not pay at start.
 */
let library: Promise<typeof import('@simplewebauthn/server')> | null = null;
const webauthn = () => (library ??= import('@simplewebauthn/server'));

const pendingSchema = z.strictObject({
  purpose: z.enum(['register', 'login']),
  userId: z.string().nullable(),
  rpId: z.string(),
  origin: z.string(),
});
type Pending = z.infer<typeof pendingSchema>;

export interface PasskeysDeps {
  accounts: AccountStore;
  records: RecordStore;
  challenges: ChallengeStore;
  /** Whether moderators suspended the user (docs/social.md): they may not sign in. */
  suspended: (userId: string) => Promise<boolean>;
  /** How long an answer to the options may take. */
  challengeTtlMs: number;
}

export class Passkeys {
  readonly #d: PasskeysDeps;

  constructor(deps: PasskeysDeps) {
    this.#d = deps;
  }

  /**
   * The options for `navigator.credentials.create()` (register: to add a
   * passkey to `user`) or `.get()` (login: any discoverable passkey of this site).
   */
  async options(purpose: PasskeyPurpose, rp: RelyingParty, user: UserRecord | null): Promise<object> {
    const timeout = this.#d.challengeTtlMs;
    const { generateAuthenticationOptions, generateRegistrationOptions } = await webauthn();
    let options: { challenge: string };
    let userId: string | null = null;
    if (purpose === 'register') {
      if (!user) throw new AppError('unauthorized', 'registering a passkey needs a session: POST /api/session');
      userId = user.id;
      const existing = await this.#d.accounts.listPasskeys(user.id);
      options = await generateRegistrationOptions({
        rpName: RP_NAME,
        rpID: rp.id,
        userName: user.handle ?? user.name,
        userDisplayName: user.name,
        userID: userHandleOf(user.id),
        timeout,
        attestationType: 'none',
        excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports })),
        authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
      });
    } else {
      options = await generateAuthenticationOptions({ rpID: rp.id, timeout, userVerification: 'preferred' });
    }
    const pending: Pending = { purpose, userId, rpId: rp.id, origin: rp.origin };
    await this.#d.challenges.put(challengeKey(options.challenge), JSON.stringify(pending), timeout);
    return options;
  }

  /** Verifies a registration answer and adds the passkey to `user`, who becomes an account. */
  async register(user: UserRecord, response: RegistrationResponseJSON, name: string | undefined, userAgent: string): Promise<PasskeyInfo> {
    const { challenge, pending } = await this.#take(response.response.clientDataJSON, 'register');
    if (pending.userId !== user.id) throw new AppError('unauthorized', 'this passkey prompt was started by another session');
    const { verifyRegistrationResponse } = await webauthn();
    let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
    try {
      verified = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: pending.origin,
        expectedRPID: pending.rpId,
        requireUserVerification: false,
      });
    } catch (err) {
      throw new AppError('bad_request', `the passkey's answer could not be verified: ${(err as Error).message}`);
    }
    if (!verified.verified) throw new AppError('bad_request', "the passkey's answer could not be verified");
    const info = verified.registrationInfo;
    const now = new Date().toISOString();
    const record: PasskeyRecord = {
      id: info.credential.id,
      userId: user.id,
      publicKey: info.credential.publicKey,
      counter: info.credential.counter,
      transports: info.credential.transports ?? [],
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
      name: name ?? describeUserAgent(userAgent),
      createdAt: now,
      // Registering is a use: the person just proved they hold it (a new account is signed in with it).
      lastUsedAt: now,
    };
    if ((await this.#d.accounts.addPasskey(record)) === 'duplicate') {
      throw new AppError('conflict', 'this passkey is registered already');
    }
    return toPasskeyInfo(record);
  }

  /** Verifies a sign-in answer; returns the passkey's owner. */
  async login(response: AuthenticationResponseJSON): Promise<UserRecord> {
    const { challenge, pending } = await this.#take(response.response.clientDataJSON, 'login');
    const passkey = await this.#d.accounts.getPasskey(response.id);
    if (!passkey) throw new AppError('unauthorized', 'this passkey is not registered here (it may have been removed)');
    const userHandle = response.response.userHandle;
    if (userHandle !== undefined && userHandle !== Buffer.from(userHandleOf(passkey.userId)).toString('base64url')) {
      throw new AppError('unauthorized', 'this passkey belongs to another account');
    }
    const { verifyAuthenticationResponse } = await webauthn();
    let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
    try {
      verified = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: pending.origin,
        expectedRPID: pending.rpId,
        credential: {
          id: passkey.id,
          publicKey: new Uint8Array(passkey.publicKey),
          counter: passkey.counter,
          transports: passkey.transports as AuthenticatorTransport[],
        },
        requireUserVerification: false,
      });
    } catch (err) {
      throw new AppError('unauthorized', `the passkey's answer could not be verified: ${(err as Error).message}`);
    }
    if (!verified.verified) throw new AppError('unauthorized', "the passkey's answer could not be verified");
    const owner = await this.#d.records.getUser(passkey.userId);
    if (!owner || owner.deletedAt !== null) throw new AppError('unauthorized', 'this account no longer exists');
    if (await this.#d.suspended(owner.id)) throw new AppError('forbidden', 'this account is suspended');
    await this.#d.accounts.usePasskey(passkey.id, verified.authenticationInfo.newCounter, new Date().toISOString());
    return owner;
  }

  async list(userId: string): Promise<PasskeyInfo[]> {
    return (await this.#d.accounts.listPasskeys(userId)).map(toPasskeyInfo);
  }

  /** Takes the challenge an answer carries: it must be pending, for this purpose. */
  async #take(clientDataJSON: string, purpose: PasskeyPurpose): Promise<{ challenge: string; pending: Pending }> {
    const challenge = challengeOf(clientDataJSON);
    const stored = await this.#d.challenges.take(challengeKey(challenge));
    if (stored === null) throw new AppError('unauthorized', 'this passkey prompt expired or was answered already; start again');
    const pending = pendingSchema.parse(JSON.parse(stored));
    if (pending.purpose !== purpose)
      throw new AppError('unauthorized', `this passkey prompt was not for ${purpose === 'login' ? 'signing in' : 'registering'}`);
    return { challenge, pending };
  }
}

export function toPasskeyInfo(p: PasskeyRecord): PasskeyInfo {
  return { id: p.id, name: p.name, createdAt: p.createdAt, lastUsedAt: p.lastUsedAt, deviceType: p.deviceType, backedUp: p.backedUp };
}

/** The WebAuthn user handle of a user: their id's bytes, so a discoverable passkey names its owner. */
function userHandleOf(userId: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(userId, 'utf8'));
}

const challengeKey = (challenge: string) => `passkey:${challenge}`;

/** The challenge inside a response's clientDataJSON. */
function challengeOf(clientDataJSON: string): string {
  try {
    const data: unknown = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8'));
    const challenge = (data as { challenge?: unknown }).challenge;
    if (typeof challenge === 'string' && /^[A-Za-z0-9_-]{16,256}$/.test(challenge)) return challenge;
  } catch {
    // Falls through to the refusal below.
  }
  throw new AppError('bad_request', 'response.clientDataJSON is not WebAuthn client data');
}
