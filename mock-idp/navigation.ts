import { getPublicSuffix } from 'tough-cookie';
import type { Dispatcher } from 'undici-types';
import { isLoopbackName } from './loopback.js';

/**
 * What a browser sends with a top-level navigation, which `UserAgent.navigate` is. Apps tell a page load from a
 * script's request by these (Fetch Metadata): mod_auth_openidc answers 401 instead of sending the browser to log in
 * when Sec-Fetch-Mode is not `navigate` or Accept names no HTML, and a resource isolation policy refuses cross-site
 * requests that are not navigations. Without them the kit would judge an app on answers no browser ever gets.
 */

const ACCEPT_DOCUMENT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** Where a navigation hop comes from: the URLs before it in its redirect chain, and who started the chain. */
export interface NavigationHop {
  /** The URL requested now. */
  url: URL;
  /** The URLs the chain requested before this one, first to last. */
  before: readonly URL[];
  /** The page that started the chain (a link or form on it); none when a person typed or opened the URL. */
  initiator?: URL | undefined;
  /** Started by a person's action (a typed URL, a pressed button), not by a page's script or an auto-submitted form. */
  userActivated: boolean;
}

/** Same site: the scheme and the registrable domain alike (ports never count). */
function sameSite(a: URL, b: URL): boolean {
  return a.protocol === b.protocol && siteOf(a.hostname) === siteOf(b.hostname);
}

/**
 * A host's registrable domain by the public suffix list, its private entries included as browsers use them
 * (`a.github.io` and `b.github.io` are two sites, `app.example.co.uk` and `idp.example.co.uk` one); an IP address, or
 * a name the list gives no domain (`localhost`), is its own site.
 */
function siteOf(hostname: string): string {
  if (/^[\d.]+$/.test(hostname) || hostname.includes(':')) return hostname;
  // Despite its name, tough-cookie's getPublicSuffix answers the registrable domain (tldts' getDomain).
  return getPublicSuffix(hostname, { allowSpecialUseDomain: true, ignoreError: true }) ?? hostname;
}

/**
 * Sec-Fetch-Site as Fetch Metadata computes it: `none` all along a navigation a person started (a typed URL keeps it
 * through every redirect); otherwise how the initiator and every URL of the redirect chain relate to the URL requested
 * now, the furthest relation winning.
 */
function fetchSite({ url, before, initiator }: NavigationHop): string {
  if (!initiator) return 'none';
  const others = [initiator, ...before];
  if (others.some((other) => !sameSite(other, url))) return 'cross-site';
  if (others.some((other) => other.origin !== url.origin)) return 'same-site';
  return 'same-origin';
}

/** Browsers send Fetch Metadata only to potentially trustworthy URLs: https, and loopback over http. */
function potentiallyTrustworthy(url: URL): boolean {
  return url.protocol === 'https:' || isLoopbackName(url.hostname.replace(/^\[|\]$/g, ''));
}

/**
 * The headers a browser adds to a navigation request. Its mode, Sec-Fetch-Mode, is the dispatcher's to set (below),
 * with the rest of Fetch Metadata or not at all: `fetchMetadata` says which.
 */
export function navigationHeaders(hop: NavigationHop): { headers: Record<string, string>; fetchMetadata: boolean } {
  const fetchMetadata = potentiallyTrustworthy(hop.url);
  return {
    headers: {
      accept: ACCEPT_DOCUMENT,
      ...(fetchMetadata
        ? {
            'sec-fetch-dest': 'document',
            'sec-fetch-site': fetchSite(hop),
            ...(hop.userActivated ? { 'sec-fetch-user': '?1' } : {}),
          }
        : {}),
      'upgrade-insecure-requests': '1',
    },
    fetchMetadata,
  };
}

// undici's global dispatcher, shared by every copy of undici through this registered symbol: Node's fetch, or the one
// a user set (a proxy agent), which a navigation must go through as any other request does.
const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

function setMode(headers: Dispatcher.DispatchOptions['headers'], mode: string | undefined) {
  if (Array.isArray(headers)) {
    const flat = headers as string[];
    for (let i = 0; i < flat.length; i += 2) {
      if (flat[i]!.toLowerCase() !== 'sec-fetch-mode') continue;
      if (mode === undefined) {
        flat.splice(i, 2);
        i -= 2;
      } else flat[i + 1] = mode;
    }
  } else if (headers && typeof headers === 'object') {
    const named = headers as Record<string, string>;
    if (mode === undefined) delete named['sec-fetch-mode'];
    else named['sec-fetch-mode'] = mode;
  }
}

/**
 * Node's fetch sends `Sec-Fetch-Mode: cors` whatever the headers say and refuses the mode `navigate`: the request's
 * mode can be said, or left out as a browser leaves all Fetch Metadata out for a URL that is not potentially
 * trustworthy, only where fetch hands the request to the connection, in the dispatcher. These set it or drop it and
 * pass the request on to the global dispatcher. A fetch that is not undici's ignores them, and msw's passthrough of a
 * request no handler took calls fetch again without them: such a request goes out with the mode `cors`.
 */
function modeDispatcher(mode: string | undefined): Dispatcher {
  return {
    dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): boolean {
      const base = (globalThis as Record<symbol, Dispatcher | undefined>)[GLOBAL_DISPATCHER];
      if (!base) throw new Error("undici's global dispatcher is not set: a navigation needs Node's fetch");
      setMode(options.headers, mode);
      return base.dispatch(options, handler);
    },
  } as unknown as Dispatcher;
}

const NAVIGATE = modeDispatcher('navigate');
const NO_FETCH_METADATA = modeDispatcher(undefined);

/** The dispatcher that gives a navigation request the mode a browser would send with it, or none. */
export const navigationDispatcher = (fetchMetadata: boolean): Dispatcher =>
  fetchMetadata ? NAVIGATE : NO_FETCH_METADATA;
