// Where the site is, for WebAuthn (the relying party) and OpenID Connect (the
// redirect URI): PUBLIC_URL when it is set, else the origin the request came to.

export interface RelyingParty {
  /** The WebAuthn RP ID: the host name, without port. */
  id: string;
  /** Scheme, host and port, as the browser reports it in clientDataJSON. */
  origin: string;
}

export interface RequestOrigin {
  /** `http` or `https` (behind a proxy: X-Forwarded-Proto when TRUST_PROXY is set). */
  protocol: string;
  /** The Host header (or X-Forwarded-Host). */
  host: string | undefined;
}

export function relyingParty(publicUrl: string | undefined, request: RequestOrigin): RelyingParty {
  const url = new URL(publicUrl ?? `${request.protocol}://${request.host ?? 'localhost'}`);
  return { id: url.hostname.replace(/^\[|\]$/g, ''), origin: url.origin };
}
