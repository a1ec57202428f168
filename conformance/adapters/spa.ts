import type { BrowserContext, Page } from 'playwright-core';
import { briefly, claimsOf } from '../session-claims.js';
import type { CaseContext, ClientAdapter, ClientOutcome } from '../types.js';
import { lazyChromium } from './spa-browser.js';
import { type Ending, LoginWatch } from './spa-watch.js';

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
  /**
   * A CSS selector of the app's error message. With it, a refusal is judged as soon as it shows, and an app that shows
   * neither this nor `session` is not judged at all ("not delivered"). Without it, an app that is quiet for `settleMs`
   * without showing `session` has refused.
   */
  failure?: string;
  /**
   * How long the app must be quiet (no request in flight, no navigation) before the kit takes it as done, and how long
   * it must show `session` with no navigation before the kit takes it as signed in; default 500 ms.
   */
  settleMs?: number;
  browser?: SpaBrowserOptions;
  name?: string;
}

// Before the runner's own timeout, so that the adapter answers with what it saw; reading the page after it, a second.
const DEADLINE_MARGIN_MS = 1_500;
const READING_MS = 1_000;
// CaseContext.timeoutMs for a context that does not say, the runner's default.
const DEFAULT_TIMEOUT_MS = 10_000;

/** How long a login has to settle, of the action's timeout: what is left once the adapter has read the page. */
export function loginWindowMs(timeoutMs: number): number {
  return Math.max(timeoutMs - DEADLINE_MARGIN_MS - READING_MS, timeoutMs / 2);
}

/** One login's browser: gone once the login is over, or abandoned when it timed out. */
interface Login {
  browserContext?: BrowserContext;
  watch?: LoginWatch;
  abandoned: boolean;
}

/** Where, without the query: a callback's carries the code. */
const place = (href: string) => {
  const url = new URL(href);
  return `${url.origin}${url.pathname}`;
};

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

/**
 * The document as the app's script left it: markup it inserted (an error_description rendered as HTML) shows. A page
 * in the middle of a navigation has none to give for a moment.
 */
async function content(page: Page): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await page.content();
    } catch (error) {
      if (attempt === 10 || !/navigating/.test((error as Error).message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** An error's first line: Playwright's go on with the browser's whole log. */
const firstLine = (error: unknown) => String(error instanceof Error ? error.message : error).split('\n')[0];

/** The promise's value, or undefined when it has none by this time. */
async function raceTo<T>(until: number, promise: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, until - Date.now()));
  });
  promise.catch(() => undefined);
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** What the kit cannot judge: the app's answer is unknown, which is never a pass. */
const unknown = (message: string, finalUrl?: string): ClientOutcome => ({
  ok: false,
  code: 'unreadable',
  message,
  ...(finalUrl ? { finalUrl } : {}),
});

/**
 * A single-page app (or any web app that needs JavaScript to log in), tested black-box in a real Chromium: the kit
 * opens its page, clicks its sign-in button, lets the browser go through mock-idp's headless login and back, and
 * judges what the app shows once it has settled. The browser never makes a navigation the app starts to an origin
 * that is neither the app's nor the issuer's, or to an authorization request aimed anywhere but the issuer; a redirect
 * there is recorded as it starts. Each login has a fresh browser context (no cookies, no storage, no service worker).
 * Run it with RunOptions.client: a single-page app's client_id and redirect URI are in its own code.
 *
 * Needs playwright-core and a Chromium; the browser starts at the first login and closes when the run is over.
 */
export function spaAdapter(options: SpaAdapterOptions): ClientAdapter & { close(): Promise<void> } {
  const start = new URL(options.url);
  const settleMs = options.settleMs ?? 500;
  const chromium = lazyChromium(options.browser);
  // The login in progress of each client: a fixed client runs one case at a time.
  const logins = new Map<string, Login>();
  // Without an error selector, "not signed in" is read from the session element's absence, which proves a refusal only
  // when the run's first login, its valid one (the runner plays it first, alone), ended showing that element: a
  // selector that matches nothing, or an app that goes quiet before it answers, would read as refusals.
  let firstLogin: 'signed-in' | 'not-signed-in' | undefined;

  const endLogin = async (clientId: string) => {
    const login = logins.get(clientId);
    logins.delete(clientId);
    if (!login) return;
    login.abandoned = true;
    await login.browserContext?.close().catch(() => undefined);
  };

  async function judge(watch: LoginWatch, ending: Ending, waitedMs: number): Promise<ClientOutcome> {
    const { page } = watch;
    if (ending === 'lost')
      return unknown(`the kit lost sight of the app: ${watch.lost ?? "the kit's browser went away"}`);
    const finalUrl = watch.stopped?.url.href ?? page.url();
    if (watch.stopped?.outcome) return { ...watch.stopped.outcome, finalUrl };
    const html = await content(page);
    const signedIn = await watch.shows(options.session);
    const status = watch.appStatus === undefined ? {} : { status: watch.appStatus };
    const signedInOutcome = async (): Promise<ClientOutcome> => {
      const element = page.locator(options.session).filter({ visible: true }).first();
      const claims = claimsOf((await element.textContent()) ?? '');
      return claims
        ? { ok: true, finalUrl, page: html, claims }
        : { ok: true, finalUrl, page: html, sessionPage: await element.evaluate((e) => e.outerHTML) };
    };
    if (ending === 'refused')
      return {
        ok: false,
        refusedByIdp: true,
        code: 'idp_refused',
        finalUrl,
        page: html,
        message:
          `the identity provider refused the app's request at ${watch.refusal!.url.pathname} ` +
          `(${watch.refusal!.status}): "${briefly(await text(page))}"; check the app's issuer, client_id and ` +
          'redirect URI',
      };
    if (ending === 'stopped') {
      // An app may sign the user in and then authorize again (a step-up, another API's consent): its session says.
      if (watch.restartedAt)
        return signedIn
          ? signedInOutcome()
          : {
              ok: false,
              code: 'login-restarted',
              finalUrl,
              message:
                `the app answered the identity provider's response at ${watch.restartedAt.pathname} by sending the ` +
                'browser to log in again',
            };
      // Sent on to a foreign origin once it had the issuer's answer: where it sent the browser is the evidence.
      if (watch.returned) return { ok: true, finalUrl };
      return { ok: false, code: 'action-refused', finalUrl, message: `the app sent the browser to ${finalUrl} first` };
    }
    if (signedIn) return signedInOutcome();
    const errors = watch.errors.length ? `; the page threw: ${briefly(watch.errors.join(' | '))}` : '';
    const shown = `the app showed "${briefly(await text(page))}" at ${new URL(finalUrl).pathname}`;
    if (ending === 'failure') return { ok: false, finalUrl, page: html, ...status, message: `${shown}${errors}` };
    if (ending === 'quiet' && firstLogin === 'signed-in')
      return { ok: false, finalUrl, page: html, ...status, message: `${shown} without ${options.session}${errors}` };
    if (ending === 'quiet')
      return unknown(
        `${shown}, and the run's valid login did not end showing ${options.session}: a refusal cannot be told ` +
          `from a selector that matches nothing, or from an app that goes quiet before it answers (check --session, ` +
          `or give --failure)${errors}`,
        finalUrl,
      );
    return unknown(
      watch.visitedIssuer
        ? `the app did not settle within ${waitedMs} ms: ${shown}, neither ${options.session}` +
            `${options.failure ? ` nor ${options.failure}` : ''}${errors}`
        : `the app never sent the browser to the issuer within ${waitedMs} ms: it stayed at ` +
            `${place(page.url())}${errors}`,
      finalUrl,
    );
  }

  /** Opens the app's page, and clicks its sign-in button when there is one to click. */
  async function startLogin(
    watch: LoginWatch,
    context: CaseContext,
    deadline: number,
  ): Promise<ClientOutcome | undefined> {
    const login = new URL(start);
    for (const [name, value] of Object.entries(context.loginParams ?? {})) login.searchParams.set(name, value);
    try {
      // Only to the first answer: an app that goes on to the issuer at once navigates again while loading.
      await watch.page.goto(login.href, { waitUntil: 'commit' });
    } catch (error) {
      if (watch.stopped) return undefined;
      return {
        ok: false,
        code: 'unreachable',
        message: `the browser could not open ${place(login.href)}: ${firstLine(error)}`,
      };
    }
    const left = () => Math.max(1, deadline - Date.now());
    await watch.page.waitForLoadState('load', { timeout: left() }).catch(() => undefined);
    if (!options.signIn || watch.stopped) return undefined;
    const button = watch.page.locator(options.signIn).filter({ visible: true }).first();
    const waitMs = Math.min(2_000, left());
    await button.waitFor({ timeout: waitMs }).catch(() => undefined);
    // The kit never got to start the login: how the app would answer the case is unknown.
    if (!(await watch.shows(options.signIn)))
      return {
        ok: false,
        code: 'action-refused',
        message: `no sign-in button to click: ${place(watch.page.url())} shows no ${options.signIn}`,
      };
    watch.restart();
    try {
      await button.click({ timeout: Math.min(5_000, left()) });
    } catch (error) {
      return {
        ok: false,
        code: 'action-refused',
        message: `the sign-in button could not be clicked: ${firstLine(error)}`,
      };
    }
    return undefined;
  }

  return {
    name: options.name ?? `single-page app at ${start.origin}`,
    capabilities: ['web'],
    async run(context): Promise<ClientOutcome> {
      // A fixed client's next case begins only when the last one is over: one that timed out may still be going.
      await endLogin(context.clientId);
      const login: Login = { abandoned: false };
      logins.set(context.clientId, login);
      const begun = Date.now();
      const timeoutMs = context.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const deadline = begun + loginWindowMs(timeoutMs);
      try {
        try {
          // No service worker: one would answer requests the kit then never sees.
          login.browserContext = await (await chromium.get()).newContext({ serviceWorkers: 'block' });
        } catch (error) {
          return unknown(`the kit could not start its browser: ${firstLine(error)}`);
        }
        // Timed out while the browser started: the login is over, and must make no request under the next case.
        if (login.abandoned) return unknown('the kit could not start its browser in time');
        const watch = await LoginWatch.open(login.browserContext, context, {
          start,
          session: options.session,
          failure: options.failure,
          settleMs,
        });
        login.watch = watch;
        const refused = await startLogin(watch, context, deadline);
        if (refused) return refused;
        // A page whose script never lets go (a loop on its main thread) answers no question of the kit's.
        const outcome = await raceTo(
          deadline + READING_MS,
          (async () => judge(watch, await watch.settled(deadline), Date.now() - begun))(),
        );
        if (outcome === undefined)
          return unknown(`the app's page did not answer the kit within ${Date.now() - begun} ms (a busy script?)`);
        if (firstLogin === undefined) firstLogin = outcome.ok && !watch.stopped ? 'signed-in' : 'not-signed-in';
        return outcome;
      } catch (error) {
        // The kit's browser failed it (a selector that does not parse, a page gone mid-read): the answer is unknown.
        return unknown(`the kit could not read the app: ${firstLine(error)}`);
      } finally {
        if (logins.get(context.clientId) === login) logins.delete(context.clientId);
        await login.browserContext?.close().catch(() => undefined);
      }
    },
    unfinished(context) {
      const watch = logins.get(context.clientId)?.watch;
      // Timed out: the login stops here, so that it makes no more requests under the client's next case.
      void endLogin(context.clientId);
      if (!watch || watch.page.isClosed()) return undefined;
      const [pending] = watch.inFlight;
      return pending
        ? `the browser, at ${place(watch.page.url())}, was still waiting for the answer to ${pending.method()} ` +
            place(pending.url())
        : `the browser was at ${place(watch.page.url())}, and the app never settled`;
    },
    async release(context) {
      await endLogin(context.clientId);
    },
    async close() {
      firstLogin = undefined;
      await Promise.all([...logins.keys()].map(endLogin));
      await chromium.close();
    },
  };
}
