// A software passkey authenticator, for API tests outside the browser: it
// answers registration and authentication options exactly as the WebAuthn
// spec lays the bytes out (clientDataJSON; authenticator data with the RP ID
// hash, flags, counter and attested credential data; a "none" attestation
// object in CBOR; ES256 signatures over authData ‖ SHA-256(clientDataJSON)).
// The browser tests use Chromium's own virtual authenticator instead.
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

const b64url = (data: Uint8Array | string) => Buffer.from(data).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

interface CreationOptions {
  challenge: string;
  rp: { id?: string; name: string };
  user: { id: string; name: string };
}

interface RequestOptions {
  challenge: string;
  rpId?: string;
}

export interface SoftCredential {
  id: Uint8Array;
  rpId: string;
  /** The WebAuthn user handle (base64url), as registration options gave it. */
  userHandle: string;
  privateKey: KeyObject;
  counter: number;
}

export class SoftAuthenticator {
  readonly origin: string;
  readonly credentials: SoftCredential[] = [];

  constructor(origin: string) {
    this.origin = origin;
  }

  /** What navigator.credentials.create() would resolve with, as @simplewebauthn/browser sends it. */
  register(options: CreationOptions, over: { origin?: string; rpId?: string; type?: string; reuse?: SoftCredential } = {}) {
    const rpId = over.rpId ?? options.rp.id ?? new URL(this.origin).hostname;
    // `reuse`: the same key pair and credential id again (a cloned or stolen credential).
    const { privateKey, publicKey } = over.reuse
      ? { privateKey: over.reuse.privateKey, publicKey: createPublicKey(over.reuse.privateKey) }
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, new Uint8Array(Buffer.from(jwk.x ?? '', 'base64url'))],
        [-3, new Uint8Array(Buffer.from(jwk.y ?? '', 'base64url'))],
      ]),
    );
    const credential: SoftCredential = {
      id: over.reuse?.id ?? new Uint8Array(randomBytes(32)),
      rpId,
      userHandle: options.user.id,
      privateKey,
      counter: 0,
    };
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credential.id.length);
    const authData = Buffer.concat([
      authenticatorData(rpId, FLAG_UP | FLAG_UV | FLAG_BE | FLAG_BS | FLAG_AT, 0),
      Buffer.alloc(16),
      idLength,
      credential.id,
      cose,
    ]);
    const clientData = JSON.stringify({
      type: over.type ?? 'webauthn.create',
      challenge: options.challenge,
      origin: over.origin ?? this.origin,
      crossOrigin: false,
    });
    const attestation = isoCBOR.encode(
      new Map<string, string | Map<string, string> | Uint8Array>([
        ['fmt', 'none'],
        ['attStmt', new Map<string, string>()],
        ['authData', new Uint8Array(authData)],
      ]),
    );
    this.credentials.push(credential);
    return {
      id: b64url(credential.id),
      rawId: b64url(credential.id),
      type: 'public-key' as const,
      response: { clientDataJSON: b64url(clientData), attestationObject: b64url(attestation), transports: ['internal'] },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform' as const,
    };
  }

  /** What navigator.credentials.get() would resolve with, signed by `credential` (the first by default). */
  authenticate(options: RequestOptions, over: { credential?: SoftCredential; origin?: string; counter?: number } = {}) {
    const credential = over.credential ?? this.credentials[0];
    if (!credential) throw new Error('no credential registered');
    credential.counter = over.counter ?? credential.counter + 1;
    const authData = authenticatorData(options.rpId ?? credential.rpId, FLAG_UP | FLAG_UV | FLAG_BE | FLAG_BS, credential.counter);
    const clientData = JSON.stringify({
      type: 'webauthn.get',
      challenge: options.challenge,
      origin: over.origin ?? this.origin,
      crossOrigin: false,
    });
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), credential.privateKey);
    return {
      id: b64url(credential.id),
      rawId: b64url(credential.id),
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64url(clientData),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: credential.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform' as const,
    };
  }
}

function authenticatorData(rpId: string, flags: number, counter: number): Buffer {
  const count = Buffer.alloc(4);
  count.writeUInt32BE(counter);
  return Buffer.concat([sha256(rpId), Buffer.from([flags]), count]);
}
