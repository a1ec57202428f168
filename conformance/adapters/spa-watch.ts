import type { BrowserContext, Page, Request } from 'playwright-core';
import type { CaseContext, ClientOutcome } from '../types.js';
import { loginRestartWatch } from './login-restart.js';
import { offIssuerAuthorization } from './off-issuer.js';

const POLL_MS = 25;
// Requests that stay open while the app is idle: an app is quiet with them open.
const STREAMS = new Set(['eventsource', 'websocket']);

/** How a login's wait ended, and so how it is judged. */
export type Ending =
  /** The browser was stopped before a navigation the app must not make. */
  | 'stopped'
  /** The issuer refused a request of the app's, and the browser is still on its error page. */
  | 'refused'
  /** The app shows its error message. */
  | 'failure'
  /** The app has shown its signed-in element for the quiet time, with no navigation. */
  | 'session'
  /** The app is back from the issuer and quiet, showing neither. */
  | 'quiet'
  /** The time for the login is up, and the app never settled. */
  | 'deadline'
  /** The page crashed or was closed, or the app opened a window of its own: what it did is not known. */
  | 'lost';

export interface WatchOptions {
  /** The app's page; its origin is the app's, as is its redirect URI's. */
  start: URL;
  session: string;
  failure?: string | undefined;
  settleMs: number;
}

/**
 * What one login's browser sees, from the page the kit opens to where the app ends: the navigations the app must not
 * make (stopped before the browser makes them), the issuer's refusal, the requests in flight, and whether the app has
 * settled.
 */
export class LoginWatch {
  readonly page: Page;
  readonly #context: CaseContext;
  readonly #options: WatchOptions;
  readonly #appOrigins: ReadonlySet<string>;
  readonly #issuerPrefix: string;
  readonly #restart: ReturnType<typeof loginRestartWatch>;
  readonly inFlight = new Set<Request>();
  #lastActivity = Date.now();
  #navigatedAt = Date.now();
  #sessionSince: number | undefined;
  visitedIssuer = false;
  /** The first navigation the kit stopped: to a foreign origin, an authorization request off the issuer, a restart. */
  stopped: { url: URL; outcome?: Extract<ClientOutcome, { ok: false }> } | undefined;
  /** The issuer's own error page, when it refused a request of the app's (status 4xx or 5xx). */
  refusal: { url: URL; status: number } | undefined;
  restartedAt: URL | undefined;
  /** The status of the app's last page. */
  appStatus: number | undefined;
  /** Why what the app did is not known: a crash, a window of its own. */
  lost: string | undefined;
  readonly errors: string[] = [];

  private constructor(page: Page, context: CaseContext, options: WatchOptions) {
    this.page = page;
    this.#context = context;
    this.#options = options;
    this.#appOrigins = new Set([options.start.origin, new URL(context.redirectUri).origin]);
    this.#issuerPrefix = `${context.issuer.replace(/\/$/, '')}/`;
    this.#restart = loginRestartWatch(options.start.origin, context.issuer, context.clientId);
  }

  /** A watch on a new page of this browser context. */
  static async open(browserContext: BrowserContext, context: CaseContext, options: WatchOptions): Promise<LoginWatch> {
    const watch = new LoginWatch(await browserContext.newPage(), context, options);
    await watch.#listen(browserContext);
    return watch;
  }

  async #listen(browserContext: BrowserContext): Promise<void> {
    const { page } = this;
    const busy = (request: Request, started: boolean) => {
      if (STREAMS.has(request.resourceType())) return;
      if (started) this.inFlight.add(request);
      else this.inFlight.delete(request);
      this.#lastActivity = Date.now();
    };
    page.on('request', (request) => {
      busy(request, true);
      // Playwright routes a navigation but not the redirects that follow it: a redirect's hop is checked as it starts,
      // and though the browser goes on, the case is judged on where it was sent, and the browser is closed with it.
      if (request.redirectedFrom() && this.#topLevel(request)) this.#forbidden(request);
    });
    page.on('requestfinished', (request) => busy(request, false));
    page.on('requestfailed', (request) => busy(request, false));
    page.on('response', (response) => {
      const request = response.request();
      if (!this.#topLevel(request)) return;
      const url = new URL(response.url());
      if (url.href.startsWith(this.#issuerPrefix) && response.status() >= 400)
        this.refusal ??= { url, status: response.status() };
      if (this.#appOrigins.has(url.origin)) this.appStatus = response.status();
    });
    // A page that has just loaded may not have started its requests yet.
    const active = () => {
      this.#lastActivity = Date.now();
    };
    page.on('framenavigated', (frame) => {
      active();
      if (frame === page.mainFrame()) this.#navigatedAt = Date.now();
    });
    page.on('domcontentloaded', active);
    page.on('load', active);
    page.on('pageerror', (error) => this.errors.push(error.message));
    page.on('crash', () => {
      this.lost ??= 'the page crashed';
    });
    browserContext.on('page', (other) => {
      if (other === page) return;
      this.lost ??= 'the app opened a window of its own; the spa adapter follows the main page only';
      void other.close().catch(() => undefined);
    });
    // Every navigation the page starts itself is checked before the browser makes it.
    await page.route('**/*', (route) =>
      (this.#topLevel(route.request()) && this.#forbidden(route.request())
        ? route.abort('blockedbyclient')
        : route.continue()
      ).catch(() => undefined),
    );
  }

  #topLevel(request: Request): boolean {
    return request.isNavigationRequest() && request.frame() === this.page.mainFrame();
  }

  /**
   * Whether the browser must not go where this top-level navigation goes: a page on an origin that is neither the
   * app's nor the issuer's, an authorization request aimed off the issuer, or the login started again once the issuer
   * answered. The first such navigation is what the case is judged on.
   */
  #forbidden(request: Request): boolean {
    const url = new URL(request.url());
    const form = request.method() === 'POST' ? new URLSearchParams(request.postData() ?? '') : undefined;
    const restarted = this.#restart.restarts(url, form);
    if (restarted) this.restartedAt = this.#restart.restartedAt;
    const offIssuer = offIssuerAuthorization(url, this.#context, 'the app');
    const foreign = !this.#appOrigins.has(url.origin) && url.origin !== new URL(this.#context.issuer).origin;
    if (offIssuer || restarted || foreign) {
      this.stopped ??= { url, ...(offIssuer ? { outcome: offIssuer } : {}) };
      return true;
    }
    if (url.href.startsWith(this.#issuerPrefix)) this.visitedIssuer = true;
    return false;
  }

  /** From now on: what the app did before (a silent login check when its page loaded) is not the login's answer. */
  restart(): void {
    this.visitedIssuer = false;
    this.refusal = undefined;
    this.#lastActivity = Date.now();
  }

  /** Whether the page shows a visible element this selector matches; a selector that does not parse throws. */
  async shows(selector: string): Promise<boolean> {
    return (await this.page.locator(selector).filter({ visible: true }).count()) > 0;
  }

  /**
   * Waits until the app has answered: it shows its error, or it has shown its signed-in element for the quiet time
   * with no navigation (what it does next, a userinfo check or a redirect, is part of its answer), or it is quiet
   * showing neither (only without an error selector: with one, the app is taken at its word), or the time is up.
   */
  async settled(deadline: number): Promise<Ending> {
    const { session, failure, settleMs } = this.#options;
    for (;;) {
      if (this.lost || this.page.isClosed()) return 'lost';
      if (this.stopped) return 'stopped';
      const url = new URL(this.page.url());
      if (this.refusal && url.href.startsWith(this.#issuerPrefix)) return 'refused';
      const now = Date.now();
      if (this.visitedIssuer && this.#appOrigins.has(url.origin)) {
        if (failure !== undefined && (await this.shows(failure))) return 'failure';
        if (await this.shows(session)) {
          this.#sessionSince ??= now;
          if (now - Math.max(this.#sessionSince, this.#navigatedAt) >= settleMs) return 'session';
        } else {
          this.#sessionSince = undefined;
          const quiet = this.inFlight.size === 0 && now - this.#lastActivity >= settleMs;
          if (quiet && failure === undefined) return 'quiet';
        }
      }
      if (now >= deadline) return 'deadline';
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
