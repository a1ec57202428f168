import type { Browser, BrowserContext, Page, Request, Route } from 'playwright-core';
import { claimsOf } from '../session-claims.js';
import type { CaseContext, ClientAdapter, ClientOutcome } from '../types.js';
import { loginRestartWatch } from './login-restart.js';
import { offIssuerAuthorization } from './off-issuer.js';

/** The Chromium the kit launches: a path, and flags beyond the headless ones it always passes. */
export interface SpaBrowserOptions {
  /** The Chromium (or Chrome) binary, e.g. /usr/bin/chromium; default: playwright-core's own lookup. */
  executablePath?: string;
  /** More command-line flags. */
  args?: readonly string[];
}

export interface SpaAdapterOptions {
  /** The app's page that starts a login, e.g. http://127.0.0.1:5173/; its origin is the app's. */
  url: string;
  /** The sign-in button (a CSS selector) the kit clicks; none when opening `url` starts the login by itself. */
  signIn?: string;
  /**
   * A CSS selector of what the app shows only when signed in, e.g. `#user`. Its HTML is the session the userinfo cases
   * read; text that parses as a JSON object gives them its claims.
   */
  session: string;
  /** A CSS selector of the app's error message: a refusal is judged as soon as it shows, not after the quiet time. */
  failure?: string;
  /**
   * How long the app must be quiet (no request in flight, no navigation) after the login before the kit takes it as
   * done and looks for `session`; default 500 ms. Raise it for an app that waits before its token request.
   */
  settleMs?: number;
  browser?: SpaBrowserOptions;
  name?: string;
}

// Headless, and off the network beyond the app and the issuer: no updates, sync or first-run pages of its own.
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const POLL_MS = 25;
const SNIPPET = 240;

/** What one login's browser saw, as the page went. */
interface Watch {
  page: Page;
  /** Requests the page has in flight, and when one last started or ended. */
  inFlight: Set<Request>;
  lastActivity: number;
  visitedIssuer: boolean;
  /** The first navigation the kit stopped: off to a foreign origin, or an authorization request off the issuer. */
  stopped?: { url: URL; outcome?: Extract<ClientOutcome, { ok: false }> };
  /** The issuer's own error page, when it refused a request of the app's (status 4xx or 5xx). */
  refusal?: { url: URL; status: number };
  restartedAt?: URL | undefined;
  errors: string[];
}

async function launch(options: SpaBrowserOptions | undefined): Promise<Browser> {
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (cause) {
    throw new Error('the spa adapter drives Chromium with playwright-core: npm i -D playwright-core', { cause });
  }
  return chromium.launch({
    ...(options?.executablePath ? { executablePath: options.executablePath } : {}),
    args: [...CHROMIUM_FLAGS, ...(options?.args ?? [])],
  });
}

const briefly = (text: string) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > SNIPPET ? `${flat.slice(0, SNIPPET)}…` : flat;
};

/**
 * A single-page app (or any web app that needs JavaScript to log in), tested black-box in a real Chromium: the kit
 * opens its page, clicks its sign-in button, lets the browser go through mock-idp's headless login and back, and
 * once the app has been quiet for `settleMs`, judges whether it shows its signed-in element. As the web adapter does,
 * it stops the browser before any page on an origin that is neither the app's nor the issuer's, and before an
 * authorization request the app aims anywhere but the issuer. Each login has a fresh browser context (no cookies, no
 * storage). Run it with RunOptions.client: a single-page app's client_id and redirect URI are in its own code.
 *
 * Needs playwright-core and a Chromium; the browser starts at the first login and closes when the run is over.
 */
export function spaAdapter(options: SpaAdapterOptions): ClientAdapter & { close(): Promise<void> } {
  const start = new URL(options.url);
  const settleMs = options.settleMs ?? 500;
  let browser: Promise<Browser> | undefined;
  const watches = new Map<string, Watch>();
  const contexts = new Map<string, BrowserContext>();

  /** Where the browser may go: the app's pages, the issuer's, and nowhere else; each navigation is checked first. */
  const guard = (context: CaseContext, watch: Watch) => async (route: Route) => {
    const request = route.request();
    const url = new URL(request.url());
    if (!request.isNavigationRequest() || request.frame() !== watch.page.mainFrame())
      return route.continue().catch(() => undefined);
    const form = request.method() === 'POST' ? new URLSearchParams(request.postData() ?? '') : undefined;
    const restarted = watchRestart(context, watch, url, form);
    const issuerOrigin = new URL(context.issuer).origin;
    const offIssuer = offIssuerAuthorization(url, context, 'the app');
    if (offIssuer || restarted || (url.origin !== start.origin && url.origin !== issuerOrigin)) {
      watch.stopped ??= { url, ...(offIssuer ? { outcome: offIssuer } : {}) };
      return route.abort('blockedbyclient').catch(() => undefined);
    }
    if (url.origin === issuerOrigin && url.href.startsWith(`${context.issuer.replace(/\/$/, '')}/`))
      watch.visitedIssuer = true;
    return route.continue().catch(() => undefined);
  };

  const restartWatches = new WeakMap<Watch, ReturnType<typeof loginRestartWatch>>();
  function watchRestart(context: CaseContext, watch: Watch, url: URL, form?: URLSearchParams): boolean {
    let restart = restartWatches.get(watch);
    if (!restart) {
      restart = loginRestartWatch(start.origin, context.issuer, context.clientId);
      restartWatches.set(watch, restart);
    }
    if (!restart.restarts(url, form)) return false;
    watch.restartedAt = restart.restartedAt;
    return true;
  }

  /**
   * The app is done: stopped, refused at the issuer, showing its error, or quiet for settleMs since it came back. A
   * session it shows is judged only once it is quiet too: what it does next (a userinfo check that fails, a redirect
   * to a return_to) is part of its answer.
   */
  async function settled(watch: Watch): Promise<void> {
    for (;;) {
      // Closed under it: the run is over, or the case timed out and was let go.
      if (watch.stopped || watch.refusal || watch.page.isClosed()) return;
      const back = watch.visitedIssuer && new URL(watch.page.url()).origin === start.origin;
      if (back) {
        if (options.failure && (await count(watch.page, options.failure)) > 0) return;
        if (watch.inFlight.size === 0 && Date.now() - watch.lastActivity >= settleMs) return;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  async function open(context: CaseContext): Promise<{ browserContext: BrowserContext; watch: Watch }> {
    if (!browser) {
      browser = launch(options.browser);
      // A launch that failed is tried again at the next login.
      browser.catch(() => {
        browser = undefined;
      });
    }
    const browserContext = await (await browser).newContext();
    const page = await browserContext.newPage();
    const watch: Watch = { page, inFlight: new Set(), lastActivity: Date.now(), visitedIssuer: false, errors: [] };
    const busy = (request: Request, started: boolean) => {
      if (started) watch.inFlight.add(request);
      else watch.inFlight.delete(request);
      watch.lastActivity = Date.now();
    };
    page.on('request', (request) => busy(request, true));
    page.on('requestfinished', (request) => busy(request, false));
    page.on('requestfailed', (request) => busy(request, false));
    // A page that has just loaded may not have started its requests yet.
    const active = () => {
      watch.lastActivity = Date.now();
    };
    page.on('framenavigated', active);
    page.on('domcontentloaded', active);
    page.on('load', active);
    page.on('pageerror', (error) => watch.errors.push(error.message));
    const issuerPrefix = `${context.issuer.replace(/\/$/, '')}/`;
    page.on('response', (response) => {
      const request = response.request();
      if (!request.isNavigationRequest() || request.frame() !== page.mainFrame()) return;
      if (response.url().startsWith(issuerPrefix) && response.status() >= 400)
        watch.refusal ??= { url: new URL(response.url()), status: response.status() };
    });
    await page.route('**/*', guard(context, watch));
    return { browserContext, watch };
  }

  async function judge(watch: Watch): Promise<ClientOutcome> {
    const { page } = watch;
    const finalUrl = watch.stopped?.url.href ?? page.url();
    if (watch.stopped?.outcome) return { ...watch.stopped.outcome, finalUrl };
    // The document as the app's script left it: markup it inserted (an error_description rendered as HTML) shows.
    const html = await page.content().catch(() => '');
    if (watch.refusal)
      return {
        ok: false,
        refusedByIdp: true,
        code: 'idp_refused',
        finalUrl,
        page: html,
        message:
          `the identity provider refused the app's request at ${watch.refusal.url.pathname} ` +
          `(${watch.refusal.status}): "${briefly(await text(page))}"; check the app's issuer, client_id and ` +
          'redirect URI',
      };
    if (watch.restartedAt)
      return {
        ok: false,
        code: 'login-restarted',
        finalUrl,
        message:
          `the app answered the identity provider's response at ${watch.restartedAt.pathname} by sending the ` +
          'browser to log in again',
      };
    const errors = watch.errors.length ? `; the page threw: ${briefly(watch.errors.join(' | '))}` : '';
    if (watch.stopped)
      // Sent on to a foreign origin after the login: the app finished, and where it sent the browser is the evidence.
      return watch.visitedIssuer
        ? { ok: true, finalUrl }
        : { ok: false, finalUrl, message: `the app sent the browser to ${finalUrl} before any login${errors}` };
    const session = page.locator(options.session).first();
    if ((await session.count().catch(() => 0)) > 0) {
      const shown = await session.evaluate((element) => element.outerHTML).catch(() => '');
      const claims = claimsOf((await session.textContent().catch(() => null)) ?? '');
      return { ok: true, finalUrl, page: html, ...(claims ? { claims } : { sessionPage: shown }) };
    }
    const where = new URL(finalUrl).pathname;
    return {
      ok: false,
      finalUrl,
      page: html,
      message: watch.visitedIssuer
        ? `the app showed "${briefly(await text(page))}" at ${where} without ${options.session}${errors}`
        : `the app never sent the browser to the issuer: it stayed at ${where}${errors}`,
    };
  }

  return {
    name: options.name ?? `single-page app at ${start.origin}`,
    capabilities: ['web'],
    async run(context): Promise<ClientOutcome> {
      // A fixed client's next case begins only when the last one is over: one that timed out is still going.
      await contexts
        .get(context.clientId)
        ?.close()
        .catch(() => undefined);
      let opened: Awaited<ReturnType<typeof open>>;
      try {
        opened = await open(context);
      } catch (error) {
        // The kit's own browser, not the app: what the app would have made of the case is unknown.
        return {
          ok: false,
          code: 'unreadable',
          message: `the kit could not start its browser: ${(error as Error).message}`,
        };
      }
      try {
        const { browserContext, watch } = opened;
        watches.set(context.clientId, watch);
        contexts.set(context.clientId, browserContext);
        const login = new URL(start);
        for (const [name, value] of Object.entries(context.loginParams ?? {})) login.searchParams.set(name, value);
        // Only to the first answer: an app that goes on to the issuer at once navigates again while loading.
        await watch.page.goto(login.href, { waitUntil: 'commit' }).catch((error: Error) => {
          if (!watch.stopped) throw error;
        });
        await watch.page.waitForLoadState('load').catch(() => undefined);
        if (options.signIn && !watch.stopped && !watch.visitedIssuer) {
          const button = watch.page.locator(options.signIn).first();
          if ((await button.count()) === 0) {
            await button.waitFor({ timeout: 2_000 }).catch(() => undefined);
            if ((await button.count()) === 0)
              // The kit never got to start the login: how the app would answer the case is unknown.
              return {
                ok: false,
                code: 'action-refused',
                message: `no sign-in button to click: ${start.pathname} has no ${options.signIn}`,
              };
          }
          await button.click({ noWaitAfter: true, timeout: 5_000 });
        }
        await settled(watch);
        return await judge(watch);
      } catch (error) {
        // No answer at all: the app's page would not load, or the browser gave up on it.
        return { ok: false, code: 'unreachable', message: `the browser could not finish: ${(error as Error).message}` };
      } finally {
        if (watches.get(context.clientId) === opened.watch) {
          watches.delete(context.clientId);
          contexts.delete(context.clientId);
        }
        await opened.browserContext.close().catch(() => undefined);
      }
    },
    async release(context) {
      // A login that timed out is still going: its page is closed, which ends its wait.
      await contexts
        .get(context.clientId)
        ?.close()
        .catch(() => undefined);
    },
    unfinished(context) {
      const watch = watches.get(context.clientId);
      if (!watch) return undefined;
      const pending = [...watch.inFlight].map((request) => `${request.method()} ${request.url()}`);
      return pending.length
        ? `the browser, at ${watch.page.url()}, was still waiting for the answer to ${pending[0]}`
        : `the browser was at ${watch.page.url()}, and the app never settled`;
    },
    async close() {
      const launched = browser;
      browser = undefined;
      await (await launched?.catch(() => undefined))?.close();
    },
  };
}

function count(page: Page, selector: string): Promise<number> {
  return page
    .locator(selector)
    .count()
    .catch(() => 0);
}

/** The page's text as a person reads it: Playwright's innerText, which leaves out scripts and styles. */
function text(page: Page): Promise<string> {
  return (
    page
      .locator('body')
      // biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator's method, not the DOM property
      .innerText()
      .catch(() => '')
  );
}
