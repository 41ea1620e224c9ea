// A real OpenID Provider (npm oidc-provider) on port 0 for the sign-in tests,
// with its development login and consent pages, and a small cookie-keeping
// "browser" that goes through them like a person would.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { onTestFinished } from 'vitest';

/** One RSA key for every provider of the run: generating one takes a while. */
const SIGNING_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Registers the client's redirect URI and starts answering (the relying party's port is known only later). */
  serve(redirectUri: string): void;
}

export async function startOidcProvider(): Promise<TestProvider> {
  const server: Server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const issuer = `http://localhost:${(server.address() as AddressInfo).port}`;
  const clientId = 'atelier';
  const clientSecret = randomBytes(24).toString('base64url');
  return {
    issuer,
    clientId,
    clientSecret,
    serve(redirectUri) {
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: clientId,
            client_secret: clientSecret,
            redirect_uris: [redirectUri],
            grant_types: ['authorization_code'],
            response_types: ['code'],
            token_endpoint_auth_method: 'client_secret_post',
          },
        ],
        // Anyone may sign in as any account id; the claims follow from it.
        findAccount: (_ctx, sub) => ({
          accountId: sub,
          claims: () => ({ sub, name: `Person ${sub}`, email: `${sub}@example.test` }),
        }),
        claims: { openid: ['sub'], profile: ['name'], email: ['email'] },
        pkce: { required: () => true },
        cookies: { keys: [randomBytes(16).toString('hex')] },
        jwks: { keys: [{ ...SIGNING_KEY, alg: 'RS256', use: 'sig', kid: 'test' }] },
        ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, AuthorizationCode: 60, IdToken: 600 },
      });
      server.on('request', provider.callback());
    },
  };
}

/** Cookies per host, manual redirects: enough of a browser for a sign-in round trip. */
export class CookieBrowser {
  readonly #jar = new Map<string, Map<string, string>>();

  /** Sets a cookie as if a page of `origin` had. */
  setCookie(origin: string, name: string, value: string): void {
    this.#cookies(new URL(origin).host).set(name, value);
  }

  cookie(origin: string, name: string): string | undefined {
    return this.#jar.get(new URL(origin).host)?.get(name);
  }

  async request(url: string, init: { method?: string; form?: Record<string, string>; accept?: string } = {}): Promise<Response> {
    const target = new URL(url);
    const cookies = [...this.#cookies(target.host)].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(target, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: {
        ...(cookies ? { cookie: cookies } : {}),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        accept: init.accept ?? 'text/html',
      },
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const cleared = /expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0/i.test(line) || value === '';
      if (cleared) this.#cookies(target.host).delete(name);
      else this.#cookies(target.host).set(name, value);
    }
    return res;
  }

  /**
   * Follows redirects from `url`, signing in at the provider as `login` and
   * consenting, until a response that is not a redirect or one to `stopAt`
   * (whose URL is returned without being requested).
   */
  async signIn(url: string, login: string, stopAt: string): Promise<{ stoppedAt: string } | { response: Response }> {
    let next = url;
    for (let hop = 0; hop < 20; hop++) {
      if (next.startsWith(stopAt)) return { stoppedAt: next };
      const res = await this.request(next);
      const location = res.headers.get('location');
      if (location) {
        next = new URL(location, next).href;
        continue;
      }
      const page = await res.text();
      const prompt = /name="prompt" value="(login|consent)"/.exec(page)?.[1];
      // A page that posts itself (the provider ending a previous session before another login).
      const autoPost = /<form method="post" action="([^"]+)">/.exec(page)?.[1];
      if (!prompt && !autoPost) return { response: new Response(page, { status: res.status, headers: res.headers }) };
      const hidden = Object.fromEntries(
        [...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)].map((m) => [m[1] ?? '', m[2] ?? '']),
      );
      const form: Record<string, string> = prompt === 'login' ? { prompt, login, password: 'anything' } : prompt ? { prompt } : hidden;
      const submitted = await this.request(prompt ? next : (autoPost ?? next), { method: 'POST', form });
      next = new URL(submitted.headers.get('location') ?? next, next).href;
    }
    throw new Error('too many redirects');
  }

  #cookies(host: string): Map<string, string> {
    let cookies = this.#jar.get(host);
    if (!cookies) {
      cookies = new Map();
      this.#jar.set(host, cookies);
    }
    return cookies;
  }
}
