/**
 * msw (2.10+ or 3) handlers that serve mock-idp at the real provider hostnames, so client
 * code that talks to https://secure.stitch.money or https://acme.okta.com runs
 * unmodified and offline:
 *
 *   const idp = await createProviderHandlers({ tenant: 'acme' });
 *   const server = setupServer(...idp.handlers);
 *   server.listen({ onUnhandledRequest: 'error', onUnhandledFrame: 'error' }); // msw 2 and 3
 *   // ... tests ...
 *   server.close(); await idp.close();
 *
 * Each handler forwards the intercepted request to a mock-idp bound to
 * 127.0.0.1 on a free port, with X-Forwarded-Host/Proto set, so issuers,
 * endpoints, redirects and cookies all carry the real https URLs.
 */
import { bypass, type HttpHandler, http } from 'msw';
import type { IssuerInput } from './config/schema.js';
import { type ProviderName, providerHosts } from './profiles/index.js';
import { type MockIdp, type StartOptions, startMockIdp } from './server/start.js';

export type { ProviderName };
/** Where each provider lives on the internet: its host, API hosts and issuer path (from the provider's profile). */
export { providerHosts };

export interface ProviderHandlersOptions extends Omit<StartOptions, 'issuers' | 'profiles' | 'host'> {
  /**
   * Tenant in the Okta and Auth0 host names (https://<tenant>.okta.com, https://<tenant>.auth0.com). Default "mock".
   */
  tenant?: string;
  /** Which providers to serve; default all of them. */
  providers?: ProviderName[];
  /** Per-provider additions: your own clients and users. */
  issuers?: Partial<Record<ProviderName, Omit<IssuerInput, 'name' | 'profile' | 'host' | 'aliases' | 'path'>>>;
}

export interface ProviderHandlers {
  handlers: HttpHandler[];
  /** The mock-idp behind the handlers: its request log, admin API, etc. */
  idp: MockIdp;
  /** Issuer identifiers by provider, e.g. { stitch: 'https://secure.stitch.money' }. */
  issuers: Record<string, string>;
  close(): Promise<void>;
}

// Hop-by-hop and re-encoded headers: fetch already decompressed the body, so the
// forwarded response must not claim an encoding or length it no longer has.
const DROPPED_RESPONSE_HEADERS = [
  'content-encoding',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
];

export async function createProviderHandlers(options: ProviderHandlersOptions = {}): Promise<ProviderHandlers> {
  const { tenant = 'mock', providers, issuers: extra = {}, ...start } = options;
  const hosts = providerHosts(tenant);
  const selected = providers ?? (Object.keys(hosts) as ProviderName[]);
  const idp = await startMockIdp({
    logLevel: 'silent',
    ...start,
    port: 0,
    host: '127.0.0.1',
    // The tenant lives in the host name here; Okta's `tenant` setting names its authorization server instead.
    issuers: selected.map((name) => ({ name, profile: name, ...hosts[name], ...extra[name] })),
  });
  const target = new URL(idp.url);

  const handlers = selected
    .flatMap((name) => [hosts[name].host, ...hosts[name].aliases])
    .map((host) =>
      http.all(`https://${host}/*`, async ({ request }) => {
        const incoming = new URL(request.url);
        const headers = new Headers(request.headers);
        headers.set('x-forwarded-host', incoming.host);
        headers.set('x-forwarded-proto', 'https');
        const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer();
        const forwarded = new Request(new URL(`${incoming.pathname}${incoming.search}`, target), {
          method: request.method,
          headers,
          redirect: 'manual',
          ...(body ? { body } : {}),
        });
        const response = await fetch(bypass(forwarded));
        const out = new Headers();
        response.headers.forEach((value, key) => {
          if (!DROPPED_RESPONSE_HEADERS.includes(key) && key !== 'set-cookie') out.set(key, value);
        });
        for (const cookie of response.headers.getSetCookie()) out.append('set-cookie', cookie);
        return new Response(request.method === 'HEAD' ? null : await response.arrayBuffer(), {
          status: response.status,
          statusText: response.statusText,
          headers: out,
        });
      }),
    );

  return { handlers, idp, issuers: { ...idp.issuers }, close: () => idp.close() };
}
