import type { BrowserContext, Page, Request, Route } from 'playwright-core';
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
  /** The issuer refused a request of the app's before the app got its answer, and the browser is still on its page. */
  | 'refused'
  /** The app has shown its error message for the quiet time, and asked nothing of the issuer in that time. */
  | 'failure'
  /** The app has shown its signed-in element for the quiet time, with no navigation and nothing asked of the issuer. */
  | 'session'
  /** Without an error selector: the app is back from the issuer and quiet, showing no signed-in element. */
  | 'quiet'
  /** The time for the login is up, and the app never settled. */
  | 'deadline'
  /** The page crashed or was closed, or the app opened a window of its own: what it did is not known. */
  | 'lost';

export interface WatchOptions {
  /** The app's page; its origin is the app's, as is the origin of any redirect URI it names. */
  start: URL;
  session: string;
  failure?: string | undefined;
  settleMs: number;
}

const originOf = (href: string) => {
  try {
    return new URL(href).origin;
  } catch {
    return undefined;
  }
};

/**
 * What one login's browser sees, from the page the kit opens to where the app ends: the navigations the app must not
 * make (stopped before the browser makes them), the issuer's refusal, the requests in flight, and whether the app has
 * settled.
 */
export class LoginWatch {
  readonly page: Page;
  readonly #context: CaseContext;
  readonly #options: WatchOptions;
  // The app's origins: its page's, and those of the redirect URIs its authorization requests name.
  readonly #appOrigins: Set<string>;
  readonly #issuerOrigin: string;
  readonly #issuerPrefix: string;
  #restart: ReturnType<typeof loginRestartWatch>;
  readonly inFlight = new Set<Request>();
  // When each request in flight had its response headers: see #dropUnread().
  readonly #answeredAt = new Map<Request, number>();
  #lastActivity = Date.now();
  #lastIssuerActivity = Date.now();
  #navigatedAt = Date.now();
  #sessionSince: number | undefined;
  #failureSince: number | undefined;
  visitedIssuer = false;
  /** The browser came back to the app after the issuer: from now on the app's page is its answer. */
  returned = false;
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
    this.#issuerOrigin = new URL(context.issuer).origin;
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
      this.#answeredAt.delete(request);
      this.#lastActivity = Date.now();
      if (originOf(request.url()) === this.#issuerOrigin) this.#lastIssuerActivity = this.#lastActivity;
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
      if (this.inFlight.has(request)) this.#answeredAt.set(request, Date.now());
      if (!this.#topLevel(request)) return;
      const url = new URL(response.url());
      // Only before the app had its answer: an issuer page it goes to later is no refusal of the login.
      if (!this.returned && url.href.startsWith(this.#issuerPrefix) && response.status() >= 400)
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
    // Every navigation, in any frame or window, is checked before the browser makes it.
    await browserContext.route('**/*', (route) => this.#guard(route));
  }

  async #guard(route: Route): Promise<void> {
    const request = route.request();
    let blocked: boolean;
    try {
      blocked = this.#topLevel(request)
        ? this.#forbidden(request)
        : // A frame or a window of the app's: kept off foreign origins too, though not judged.
          request.isNavigationRequest() && this.#foreign(request.url());
    } catch (error) {
      // A route handler that throws would take the kit's process down: the login is judged unknown instead.
      this.lost ??= `the kit could not check a navigation to ${request.url()}: ${String(error)}`;
      blocked = true;
    }
    // 'aborted' leaves the page where it was: what it showed is still there to judge.
    await (blocked ? route.abort('aborted') : route.continue()).catch(() => undefined);
  }

  #topLevel(request: Request): boolean {
    if (!request.isNavigationRequest()) return false;
    try {
      return request.frame() === this.page.mainFrame();
    } catch {
      // A window's first navigation comes before its frame exists (Playwright throws): another page's, not this one's.
      return false;
    }
  }

  #foreign(href: string): boolean {
    const origin = originOf(href);
    // about:blank, data: and the like load nothing from anywhere.
    if (origin === undefined || origin === 'null') return false;
    return !this.#appOrigins.has(origin) && origin !== this.#issuerOrigin;
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
    if (offIssuer || restarted || this.#foreign(url.href)) {
      this.stopped ??= { url, ...(offIssuer ? { outcome: offIssuer } : {}) };
      return true;
    }
    if (url.href.startsWith(this.#issuerPrefix)) {
      this.visitedIssuer = true;
      // The issuer sends its answer to the redirect URI the request names, one it has registered for the client.
      const redirectUri = url.searchParams.get('redirect_uri');
      const origin =
        redirectUri && url.searchParams.get('client_id') === this.#context.clientId && originOf(redirectUri);
      if (origin) this.#appOrigins.add(origin);
    } else if (this.visitedIssuer && this.#appOrigins.has(url.origin)) {
      this.returned = true;
    }
    return false;
  }

  /** From now on: what the app did before (a silent login check when its page loaded) is not the login's answer. */
  restart(): void {
    this.visitedIssuer = false;
    this.returned = false;
    this.refusal = undefined;
    this.#restart = loginRestartWatch(this.#options.start.origin, this.#context.issuer, this.#context.clientId);
    this.#lastActivity = Date.now();
  }

  /**
   * Forgets the requests whose headers came the quiet time ago and whose body was never read: an app that gives up on
   * a response there (a Content-Type it does not take) leaves it unread, and Chromium never finishes it. Until then it
   * counts as in flight, since an app that reads the body (a userinfo check) answers only once it has.
   */
  #dropUnread(now: number): void {
    for (const [request, at] of this.#answeredAt) {
      if (now - at < this.#options.settleMs) continue;
      this.inFlight.delete(request);
      this.#answeredAt.delete(request);
    }
  }

  /** Whether the page shows a visible element this selector matches; a selector that does not parse throws. */
  async shows(selector: string): Promise<boolean> {
    return (await this.page.locator(selector).filter({ visible: true }).count()) > 0;
  }

  /** Whether the page shows a visible element this selector matches, with something written in it. */
  async #says(selector: string): Promise<boolean> {
    return (await this.page.locator(selector).filter({ visible: true, hasText: /\S/ }).count()) > 0;
  }

  /**
   * Waits until the app has answered, once it is back from the issuer: it has shown its signed-in element for the
   * quiet time, with no navigation and nothing asked of the issuer (what it does in that time, a userinfo check or a
   * redirect, is part of its answer); or it has shown its error message for the quiet time, asking nothing of the
   * issuer in that time; or, without an error selector, it is quiet showing neither. Or the time is up.
   */
  async settled(deadline: number): Promise<Ending> {
    const { session, failure, settleMs } = this.#options;
    for (;;) {
      if (this.lost || this.page.isClosed()) return 'lost';
      if (this.stopped) return 'stopped';
      const url = new URL(this.page.url());
      if (this.refusal && url.href.startsWith(this.#issuerPrefix)) return 'refused';
      const now = Date.now();
      this.#dropUnread(now);
      if (this.returned && this.#appOrigins.has(url.origin)) {
        const quietFor = this.inFlight.size === 0 ? now - this.#lastActivity : 0;
        const askingIssuer = [...this.inFlight].some((request) => originOf(request.url()) === this.#issuerOrigin);
        if (await this.shows(session)) {
          this.#failureSince = undefined;
          this.#sessionSince ??= now;
          if (!askingIssuer && now - Math.max(this.#sessionSince, this.#navigatedAt) >= settleMs) return 'session';
        } else if (failure !== undefined && (await this.#says(failure))) {
          this.#sessionSince = undefined;
          this.#failureSince ??= now;
          // Done with the issuer, whatever else it polls: what it tries there next (the same code again) is evidence.
          const issuerQuietFor = askingIssuer ? 0 : now - this.#lastIssuerActivity;
          if (issuerQuietFor >= settleMs && now - this.#failureSince >= settleMs) return 'failure';
        } else {
          this.#sessionSince = undefined;
          this.#failureSince = undefined;
          if (failure === undefined && quietFor >= settleMs) return 'quiet';
        }
      }
      if (now >= deadline) return 'deadline';
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
