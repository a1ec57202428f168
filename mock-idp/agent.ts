import { parse as parseHtml } from 'node-html-parser';
import { CookieJar } from 'tough-cookie';
import { navigationDispatcher, navigationHeaders } from './navigation.js';

export interface NavigateOptions {
  /**
   * Stop before requesting a URL for which this returns true (typically the client's redirect_uri). `form` is the
   * body the browser is about to post there, when it submits a form (a form_post response).
   */
  until?: (url: URL, form?: URLSearchParams) => boolean;
  /** Give up after this many hops (redirects and auto-submitted forms). */
  maxHops?: number;
  /**
   * With `until`: an error answer (status 400 or more) reached instead of `until`
   * throws a NavigationError quoting it (the default), or, when false, is
   * returned as `response` for the caller to judge.
   */
  throwOnError?: boolean;
  /**
   * Posts this form body to `start` as the first request, as a person pressing a form's button would. Without
   * `referer`, the form is taken to be on a page of `start`'s own origin, as an app's own sign-in button is: its
   * Origin and Sec-Fetch-Site say so, since a browser never posts a form from nowhere.
   */
  form?: URLSearchParams;
  /**
   * The page the first request comes from, sent as Referer and, with `form`, its origin as Origin, as a browser
   * does: frameworks that check CSRF by origin (Django over HTTPS) refuse a post without them.
   */
  referer?: URL;
}

// A private-use character: String.prototype.trim, which structuredText applies, would strip a no-break space.
const INDENT = '\ue000';
const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** How much of an error page a NavigationError quotes. */
const QUOTE_LIMIT = 2000;

/**
 * The browser stopped on an error answer (the IdP refusing a redirect URI or a
 * client) instead of reaching `until`: the message quotes the page, so a test
 * fails where the login failed, with the IdP's reason and fix.
 */
export class NavigationError extends Error {
  override name = 'NavigationError';
  constructor(
    readonly url: URL,
    readonly status: number,
    readonly page: string,
  ) {
    super(`the browser stopped at ${url.origin}${url.pathname} (${status}) before reaching the redirect URI: ${page}`);
  }
}

/** The readable text of an answer: a page's card (or body) without markup, or the body as sent. */
function quote(body: string, html: boolean): string {
  let text = body;
  if (html) {
    const root = parseHtml(body);
    const main = root.querySelector('.card') ?? root.querySelector('main') ?? root.querySelector('body') ?? root;
    for (const hidden of main.querySelectorAll('script, style')) hidden.remove();
    // A snippet keeps its lines and indentation (YAML needs both): one block per line, indented with a placeholder that
    // survives trimming.
    for (const pre of main.querySelectorAll('pre')) {
      pre.set_content(
        pre.text
          .split('\n')
          .map((line) => `<div>${escapeText(line.replace(/^ +/, (lead) => INDENT.repeat(lead.length)))}</div>`)
          .join(''),
      );
    }
    text = main.structuredText;
  }
  text = text
    .split('\n')
    .map((line) =>
      line
        .replace(/[ \t\r\f\v]+/g, ' ')
        .trim()
        .replaceAll(INDENT, ' '),
    )
    .filter((line) => line.trim())
    .join('\n');
  return text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}…` : text;
}

export interface NavigateResult {
  /** The URL the agent stopped at: the callback URL when `until` matched. */
  url: URL;
  /** The last response, when the agent stopped on a page instead of at `until`. */
  response?: Response | undefined;
  /** Every URL requested, in order. */
  hops: URL[];
  /**
   * When `until` matched a form submission (a form_post response), what the
   * browser was about to send there: pass it on as the callback.
   */
  form?: { method: 'POST'; body: URLSearchParams } | undefined;
}

/**
 * A scripted browser for headless logins: a cookie jar, manual redirects, and
 * submission of forms marked `data-autosubmit` (mock-idp's logout and device
 * confirmation pages). It runs no JavaScript and renders nothing.
 */
export class UserAgent {
  readonly jar = new CookieJar();
  readonly #fetch: typeof fetch;
  /** Requests sent and not yet answered, oldest first. */
  readonly #inFlight: { method: string; url: URL }[] = [];

  constructor(options: { fetch?: typeof fetch } = {}) {
    this.#fetch = options.fetch ?? globalThis.fetch;
  }

  /**
   * The oldest request this agent sent that has not been answered yet (its status and headers), as `<METHOD> <url>`:
   * where a login that never finished is stuck.
   */
  waitingFor(): string | undefined {
    const oldest = this.#inFlight[0];
    return oldest && `${oldest.method} ${oldest.url.href}`;
  }

  /** One request with this agent's cookies; redirects are not followed. */
  async request(url: URL | string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookie = await this.jar.getCookieString(target.href);
    if (cookie) headers.set('cookie', cookie);
    const sent = { method: init.method ?? 'GET', url: target };
    this.#inFlight.push(sent);
    let response: Response;
    try {
      response = await this.#fetch(target, { ...init, headers, redirect: 'manual' });
    } finally {
      this.#inFlight.splice(this.#inFlight.indexOf(sent), 1);
    }
    for (const setCookie of response.headers.getSetCookie()) {
      await this.jar.setCookie(setCookie, target.href, { ignoreError: true });
    }
    return response;
  }

  /** Follows redirects and auto-submitted forms from `start` until `until` matches or a page is reached. */
  async navigate(start: URL | string, options: NavigateOptions = {}): Promise<NavigateResult> {
    const maxHops = options.maxHops ?? 20;
    const hops: URL[] = [];
    let url = new URL(start);
    // The navigation under way, for its Fetch Metadata: its redirect chain so far, and who started it.
    let chain: URL[] = [];
    let initiator = options.referer ?? (options.form ? new URL(url.origin) : undefined);
    // A browser names the posting page's origin on every form POST.
    let init: RequestInit = options.form && initiator ? postForm(options.form, { origin: initiator.origin }) : {};
    if (options.referer) {
      const headers = new Headers(init.headers);
      headers.set('referer', options.referer.href);
      init = { ...init, headers };
    }
    let form: NavigateResult['form'] = options.form ? { method: 'POST', body: options.form } : undefined;
    let userActivated = true;
    for (let hop = 0; hop < maxHops; hop++) {
      if (options.until?.(url, form?.body)) return { url, hops, form };
      hops.push(url);
      const sent = navigationHeaders({ url, before: chain, initiator, userActivated });
      const headers = new Headers(sent.headers);
      for (const [name, value] of new Headers(init.headers)) headers.set(name, value);
      // undici's own option, which the DOM's RequestInit does not declare.
      const navigation = { ...init, headers, dispatcher: navigationDispatcher(sent.fetchMetadata) };
      const response = await this.request(url, navigation as RequestInit);
      chain.push(url);
      init = {};
      form = undefined;
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        // Drained rather than cancelled: a cancel can stall on msw-intercepted responses.
        await response.arrayBuffer();
        url = new URL(location, url);
        continue;
      }
      if ((response.headers.get('content-type') ?? '').includes('text/html')) {
        const html = await response.text();
        const submitted = autoSubmitForm(html, url);
        if (submitted) {
          // The page's script submits the form: a new navigation, started by that page and by no person.
          initiator = url;
          chain = [];
          userActivated = false;
          url = submitted.action;
          form = { method: 'POST', body: submitted.body };
          init = postForm(submitted.body, { origin: initiator.origin });
          continue;
        }
        if (stopsOnError(options, response.status)) throw new NavigationError(url, response.status, quote(html, true));
        return { url, response: new Response(html, { status: response.status, headers: response.headers }), hops };
      }
      if (stopsOnError(options, response.status))
        throw new NavigationError(url, response.status, quote(await response.text(), false));
      return { url, response, hops };
    }
    throw new Error(`gave up after ${maxHops} hops at ${url.href}`);
  }
}

function postForm(body: URLSearchParams, headers: Record<string, string> = {}): RequestInit {
  return { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } };
}

function stopsOnError(options: NavigateOptions, status: number): boolean {
  return options.until !== undefined && options.throwOnError !== false && status >= 400;
}

/**
 * A form a browser would submit on its own: one marked data-autosubmit, or the
 * first form of a page whose script submits document.forms[0] (oidc-provider's
 * device-flow resume and form_post pages).
 */
function autoSubmitForm(html: string, base: URL): { action: URL; body: URLSearchParams } | undefined {
  const root = parseHtml(html);
  const scripted = root.querySelectorAll('script').some((s) => s.text.includes('forms[0].submit()'));
  const form = root.querySelector('form[data-autosubmit]') ?? (scripted ? root.querySelector('form') : null);
  if (!form) return undefined;
  const body = new URLSearchParams();
  for (const input of form.querySelectorAll('input')) {
    const name = input.getAttribute('name');
    if (name) body.append(name, input.getAttribute('value') ?? '');
  }
  return { action: new URL(form.getAttribute('action') ?? base.href, base), body };
}
