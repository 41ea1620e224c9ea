// Cross-site WebSocket hijacking: a browser sends its cookies with any
// WebSocket handshake, whatever page opened it, and neither WebSocket nor
// Socket.IO applies the same-origin policy. So both transports refuse a
// handshake whose `Origin` is present and is neither this server's own origin,
// PUBLIC_URL nor one of CORS_ORIGINS. Non-browser clients send no Origin and
// authenticate with a token, which a foreign page cannot read: they pass.
import type { IncomingMessage } from 'node:http';

export interface OriginCheckOptions {
  /** PUBLIC_URL, when set. */
  publicUrl: string | undefined;
  /** CORS_ORIGINS. */
  corsOrigins: readonly string[];
  /** TRUST_PROXY: the load balancer's `X-Forwarded-Host` names the host the browser saw. */
  trustProxy: boolean;
}

/** True when a handshake may proceed. */
export type OriginCheck = (req: IncomingMessage) => boolean;

export function originCheck(options: OriginCheckOptions): OriginCheck {
  const listed = new Set<string>();
  for (const origin of [...(options.publicUrl ? [options.publicUrl] : []), ...options.corsOrigins]) {
    // Written as configured ("https://a.example/" or with a path): compare origins only.
    listed.add(URL.parse(origin)?.origin ?? origin);
  }
  return (req) => {
    const header = req.headers.origin;
    if (header === undefined) return true;
    const origin = URL.parse(header);
    // `null` (sandboxed frames, file: pages) and anything unparsable is foreign.
    if (!origin || origin.origin === 'null') return false;
    if (listed.has(origin.origin)) return true;
    return isOwnOrigin(origin, requestHost(req, options.trustProxy));
  };
}

/**
 * The server's own origin is the host the browser addressed. The scheme is not
 * compared: behind a TLS-terminating proxy the request arrives over http while
 * the page was https; what matters is that the page came from this host.
 */
function isOwnOrigin(origin: URL, host: string | undefined): boolean {
  if (host === undefined || (origin.protocol !== 'http:' && origin.protocol !== 'https:')) return false;
  // Parsed with the origin's scheme, so an explicit default port (`:443`) compares equal to none.
  const requested = URL.parse(`${origin.protocol}//${host}`);
  return requested !== null && requested.host === origin.host;
}

function requestHost(req: IncomingMessage, trustProxy: boolean): string | undefined {
  const forwarded = trustProxy ? req.headers['x-forwarded-host'] : undefined;
  const value = Array.isArray(forwarded) ? forwarded[0] : forwarded;
  // A proxy chain lists hosts comma-separated, the browser's first.
  return value?.split(',')[0]?.trim() || req.headers.host;
}
