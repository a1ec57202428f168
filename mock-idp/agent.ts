import { parse as parseHtml } from 'node-html-parser';
import { CookieJar } from 'tough-cookie';

export interface NavigateOptions {
  /** Stop before requesting a URL for which this returns true (typically the client's redirect_uri). */
  until?: (url: URL) => boolean;
  /** Give up after this many hops (redirects and auto-submitted forms). */
  maxHops?: number;
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

  constructor(options: { fetch?: typeof fetch } = {}) {
    this.#fetch = options.fetch ?? globalThis.fetch;
  }

  /** One request with this agent's cookies; redirects are not followed. */
  async request(url: URL | string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookie = await this.jar.getCookieString(target.href);
    if (cookie) headers.set('cookie', cookie);
    const response = await this.#fetch(target, { ...init, headers, redirect: 'manual' });
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
    let init: RequestInit = {};
    let form: NavigateResult['form'];
    for (let hop = 0; hop < maxHops; hop++) {
      if (options.until?.(url)) return { url, hops, form };
      hops.push(url);
      const response = await this.request(url, init);
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
          url = submitted.action;
          form = { method: 'POST', body: submitted.body };
          init = { method: 'POST', body: submitted.body, headers: { 'content-type': 'application/x-www-form-urlencoded' } };
          continue;
        }
        return { url, response: new Response(html, { status: response.status, headers: response.headers }), hops };
      }
      return { url, response, hops };
    }
    throw new Error(`gave up after ${maxHops} hops at ${url.href}`);
  }
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
