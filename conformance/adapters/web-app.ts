import { parse as parseHtml } from 'node-html-parser';
import { UserAgent } from '../../mock-idp/helpers.js';
import { briefly, claimsOf, PAGE_LIMIT } from '../session-claims.js';
import type { CaseContext, ClientAdapter, ClientOutcome } from '../types.js';
import { waitingHint } from '../waiting.js';
import { readLoginForm } from './login-form.js';
import { loginRestartWatch } from './login-restart.js';
import { offIssuerAuthorization } from './off-issuer.js';

/** When the app's final page means "logged in", for apps without a who-am-I URL. */
export interface WebAppSuccessRule {
  /** The final status, or one of these; default any 2xx. */
  status?: number | readonly number[];
  /** Text the final page contains. */
  text?: string | RegExp;
  /** The final URL: a path prefix ("/dashboard"), a full URL prefix, or a pattern. */
  url?: string | RegExp;
}

export interface WebAppAdapterOptions {
  /** The app's base URL, e.g. http://127.0.0.1:3000. */
  url: string;
  /** The path that starts a login; default /login. */
  loginPath?: string;
  /**
   * The login path shows a sign-in page whose button must be pressed (Auth.js's /auth/signin, django-allauth's
   * confirmation): the browser submits this form, a CSS selector such as `form[action$="/signin/my-idp"]`, or with
   * true the page's only POST form, its hidden fields (a CSRF token) and cookies included.
   */
  loginForm?: string | boolean;
  /**
   * A page that answers 2xx only with a session, e.g. /me: asked after each
   * login with the browser's cookies. The surest rule; when given, `success`
   * applies to its response. Its JSON (or HTML showing the user's name or email)
   * tells the userinfo cases whose session it is.
   */
  whoami?: string;
  success?: WebAppSuccessRule;
  /**
   * The app's back-channel logout endpoint (OIDC Back-Channel Logout 1.0), e.g. /backchannel-logout: enables the logout
   * cases.
   */
  backchannelLogoutPath?: string;
  /**
   * Where the app signs the user out, e.g. /logout: enables the RP-initiated logout cases. The kit opens it in the
   * browser of the case's login and follows wherever the app sends it (the issuer's end_session_endpoint and back).
   * Register the app's post-logout redirect URI with the client (FixedClient.postLogoutRedirectUris).
   */
  logoutPath?: string;
  /**
   * The app's login initiation endpoint (OIDC Core 4, its initiate_login_uri), e.g. /login/initiate: enables the
   * third-party login cases, in which the kit opens it with iss (and login_hint or target_link_uri) as a third party
   * would, instead of the login path.
   */
  initiateLoginPath?: string;
  /** How the app's sign-out is asked for: GET (default), or POST for an app that signs out only on a form's POST. */
  logoutMethod?: 'GET' | 'POST';
  name?: string;
  fetch?: typeof fetch;
}

/** What a person would read on the page: its text, briefly. */
function readable(html: string): string {
  const head = html.slice(0, PAGE_LIMIT);
  let text: string;
  try {
    // A <pre> is parsed as markup: error pages (Express's among them) put <br> in theirs.
    const root = parseHtml(head.replace(/<!doctype[^>]*>/i, ''), {
      blockTextElements: { script: true, style: true, noscript: true },
    });
    for (const hidden of root.querySelectorAll('head, script, style, noscript')) hidden.remove();
    // structuredText breaks lines between block elements, which textContent runs together.
    text = root.structuredText;
  } catch {
    // Nesting deeper than the parser's recursion: the bare text, tags dropped, is still what the page says.
    text = head.replace(/<[^>]*>/g, ' ');
  }
  return briefly(text);
}

function matchesUrl(rule: string | RegExp, url: URL): boolean {
  if (rule instanceof RegExp) return rule.test(url.href);
  return rule.startsWith('/') ? url.pathname.startsWith(rule) : url.href.startsWith(rule);
}

/** Why the response is not a logged-in page, or undefined when it is. */
function ruleMiss(rule: WebAppSuccessRule, status: number, url: URL, page: string): string | undefined {
  const statuses = rule.status === undefined ? undefined : [rule.status].flat();
  if (statuses ? !statuses.includes(status) : status < 200 || status > 299) return `answered ${status}`;
  if (rule.text !== undefined && !(rule.text instanceof RegExp ? rule.text.test(page) : page.includes(rule.text)))
    return `has no "${String(rule.text)}"`;
  if (rule.url !== undefined && !matchesUrl(rule.url, url)) return `is not ${String(rule.url)}`;
  return undefined;
}

function claimsFrom(response: Response, body: string): Record<string, unknown> | undefined {
  return (response.headers.get('content-type') ?? '').includes('json') ? claimsOf(body) : undefined;
}

/** What the who-am-I page shows of the session: its claims as JSON, else the page itself. */
function sessionShown(response: Response, body: string): { claims?: Record<string, unknown>; sessionPage?: string } {
  const claims = claimsFrom(response, body);
  return claims ? { claims } : { sessionPage: body };
}

/**
 * The browser could not finish: fetch's "fetch failed" with what failed. An answer whose headers overflow the
 * browser's limit (undici's 16 KiB, under a real browser's) is one it could not read (`unreadable`); a refused or
 * reset connection, or more redirects than a browser follows, is the app's (`unreachable`).
 */
function browserFailure(error: unknown, who = 'the browser'): ClientOutcome {
  const { message, cause } = error as Error & { cause?: Error & { code?: string } };
  const detail = cause?.message ? `${message} (${cause.code ? `${cause.code}: ` : ''}${cause.message})` : message;
  const code = cause?.code === 'UND_ERR_HEADERS_OVERFLOW' ? 'unreadable' : 'unreachable';
  return { ok: false, code, message: `${who} could not finish: ${detail}` };
}

/**
 * mock-idp delivers every fault to the app (a redirect, a token response): an error page of its own means it refused
 * the app's request, so the app is not set up as the case's client. By the issuer's own path, not just its origin:
 * behind one proxy the app's own error pages share it.
 */
function idpRefusal(
  landing: { url: URL; response?: Response | undefined },
  context: CaseContext,
  page: string | undefined,
  uri: string,
): ClientOutcome | undefined {
  const issuerPrefix = `${context.issuer.replace(/\/$/, '')}/`;
  if (!landing.response || !landing.url.href.startsWith(issuerPrefix) || landing.response.status < 400)
    return undefined;
  return {
    ok: false,
    refusedByIdp: true,
    code: 'idp_refused',
    finalUrl: landing.url.href,
    page,
    message:
      `the identity provider refused the app's request at ${landing.url.pathname} ` +
      `(${landing.response.status}): "${readable(page ?? '')}"; check the app's issuer, ` +
      `client_id, secret and ${uri}`,
  };
}

/** The browser visited this origin on its way (a redirect or an auto-submitted form there). */
const passedThrough = (landing: { hops: readonly URL[] }, origin: string) =>
  landing.hops.some((h) => h.origin === origin);

/**
 * Opens the login page and presses its sign-in form: where the form sends the browser, with what. An app whose login
 * path goes straight on to another origin needs no press, and the browser goes on from there.
 */
async function pressSignIn(
  browser: UserAgent,
  login: URL,
  loginForm: string | true,
  clientId: string,
  posted?: { form: URLSearchParams; referer: URL },
): Promise<{ url: URL; form?: URLSearchParams; referer?: URL } | { missing: string; status: number }> {
  // Up to the page the app shows: not past an authorization request, even on an origin the app shares.
  const page = await browser.navigate(login, {
    until: (url) => url.origin !== login.origin || url.searchParams.get('client_id') === clientId,
    throwOnError: false,
    ...(posted ?? {}),
  });
  if (!page.response) return { url: page.url };
  const where = page.url.pathname;
  const { status } = page.response;
  const form = readLoginForm(await page.response.text(), page.url, loginForm === true ? undefined : loginForm);
  if (typeof form === 'string') return { missing: `${where} (${status}) has ${form}`, status };
  if (form.method === 'POST') return { url: form.action, form: form.body, referer: page.url };
  const url = new URL(form.action);
  url.search = form.body.toString();
  return { url, referer: page.url };
}

/**
 * Any web app, in any language, tested black-box: the kit is its browser.
 * It opens the app's login path, follows the app's redirect through mock-idp
 * (which logs in headlessly) and back to the app's callback, and judges the
 * page it lands on, or the app's who-am-I page. It stops before any origin
 * that is neither the app's nor the IdP's (an open redirect's target), and
 * reports where it stopped. Each login has a fresh browser.
 *
 * The app's client registration is fixed in its own configuration: run it
 * with RunOptions.client, so each case's scenario is armed on that client_id.
 */
export function webAppAdapter(options: WebAppAdapterOptions): ClientAdapter {
  const base = new URL(options.url);
  const whoami = options.whoami === undefined ? undefined : new URL(options.whoami, base);
  const rule = options.success ?? {};
  /** The who-am-I page with the browser's cookies, and why it does not say "logged in", if it does not. */
  const askWhoami = async (browser: UserAgent, page: URL) => {
    const answer = await browser.request(page, { headers: { accept: 'application/json, text/html;q=0.9' } });
    const body = await answer.text();
    return { answer, body, miss: ruleMiss(rule, answer.status, page, body) };
  };

  const fetchFn = options.fetch ?? globalThis.fetch;
  const backchannelLogout =
    options.backchannelLogoutPath === undefined
      ? undefined
      : async (_context: unknown, logoutToken: string): Promise<ClientOutcome> => {
          // The issuer's server-to-server POST: no browser, no cookies.
          const endpoint = new URL(options.backchannelLogoutPath!, base);
          let answer: Response;
          try {
            answer = await fetchFn(endpoint, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: new URLSearchParams({ logout_token: logoutToken }),
              redirect: 'manual',
            });
          } catch (error) {
            return browserFailure(error, 'the logout request');
          }
          const body = await answer.text();
          if (answer.status === 200) return { ok: true };
          return {
            ok: false,
            code: `http-${answer.status}`,
            message: `${endpoint.pathname} answered ${answer.status}: "${readable(body)}"`,
          };
        };

  // The last login's browser of each client, until the case signs its user out in it: a user signs out where they
  // signed in. A case holds its client from its login to its sign-out (a fixed client runs one case at a time).
  const browsers = new Map<string, UserAgent>();
  const browserKey = (context: CaseContext) => context.clientId;
  const logoutPath = options.logoutPath;
  const logout =
    logoutPath === undefined
      ? undefined
      : async (context: CaseContext): Promise<ClientOutcome> => {
          const browser = browsers.get(browserKey(context));
          browsers.delete(browserKey(context));
          if (!browser) return { ok: false, message: 'the case has no login to sign out of' };
          const idpOrigin = new URL(context.issuer).origin;
          const start = new URL(logoutPath, base);
          let landing;
          try {
            landing = await browser.navigate(start, {
              until: (url) => url.origin !== base.origin && url.origin !== idpOrigin,
              throwOnError: false,
              // From the app's own page, as its sign-out button would send it: apps that check Origin see theirs.
              ...(options.logoutMethod === 'POST' ? { form: new URLSearchParams(), referer: new URL('/', base) } : {}),
            });
          } catch (error) {
            return browserFailure(error);
          }
          const page = landing.response ? await landing.response.text() : undefined;
          const refused = idpRefusal(landing, context, page, 'post-logout redirect URI');
          if (refused) return refused;
          const finalUrl = landing.url.href;
          const status = landing.response?.status;
          // Its own pages refused the kit before the browser ever reached the issuer (404 for a wrong path, 403 for a
          // form that wants its CSRF token): the kit never got to ask for the sign-out, so nothing is known of it.
          const reachedIssuer = passedThrough(landing, idpOrigin);
          if (
            status !== undefined &&
            status >= 400 &&
            status < 500 &&
            !reachedIssuer &&
            landing.url.origin === base.origin
          )
            return {
              ok: false,
              code: 'action-refused',
              finalUrl,
              page,
              status,
              message:
                `the app answered ${options.logoutMethod ?? 'GET'} ${start.pathname} with ${status}` +
                `${landing.url.pathname === start.pathname ? '' : ` at ${landing.url.pathname}`}: ` +
                `"${readable(page ?? '')}"; check the sign-out path and method (logoutPath, logoutMethod)`,
            };
          if (status !== undefined && status >= 500)
            return {
              ok: false,
              finalUrl,
              page,
              status,
              message: `the sign-out ended at ${landing.url.pathname} (${status}): "${readable(page ?? '')}"`,
            };
          // Back from the issuer, the app refused what the browser brought (a state it never sent): its answer to the
          // post-logout redirect, as a 4xx is its answer to a faulty login callback.
          const refusedRedirect =
            status !== undefined && status >= 400 && reachedIssuer && landing.url.origin === base.origin;
          const refusal = `the app answered the post-logout redirect at ${landing.url.pathname} with ${status}`;
          if (whoami) {
            const { answer, miss } = await askWhoami(browser, whoami);
            // An app may end its session only once the redirect back checks out: with the redirect refused, the
            // status says so, and the kept session is the sign-out's failure, not a redirect taken.
            if (miss === undefined)
              return {
                ok: false,
                code: 'still-signed-in',
                finalUrl,
                page,
                ...(refusedRedirect ? { status } : {}),
                message:
                  `${refusedRedirect ? `${refusal}, and ` : ''}the app's own session outlived its sign-out: after ` +
                  `${start.pathname}, ${whoami.pathname} still answers as signed in (${answer.status})`,
              };
          }
          // With a who-am-I page its session is known to be over; without one, the app's word for it is all there is.
          if (refusedRedirect)
            return {
              ok: false,
              code: 'post-logout-refused',
              finalUrl,
              page,
              status,
              message: `${refusal}: "${readable(page ?? '')}"`,
            };
          return { ok: true, finalUrl, page };
        };

  return {
    name: options.name ?? `web app at ${base.origin}`,
    ...(backchannelLogout ? { backchannelLogout } : {}),
    ...(logout ? { logout } : {}),
    // The login in progress is the last one's browser: the page it waits for says why it never finished.
    unfinished: (context) => waitingHint(browsers.get(browserKey(context))),
    release(context: CaseContext) {
      browsers.delete(browserKey(context));
    },
    capabilities: ['web', 'persistent', ...(options.initiateLoginPath ? (['third-party-login'] as const) : [])],
    async run(context): Promise<ClientOutcome> {
      // A fresh browser for each login: the app's session from an earlier login must not vouch for this one.
      const browser = new UserAgent(options.fetch ? { fetch: options.fetch } : {});
      browsers.set(browserKey(context), browser);
      const idpOrigin = new URL(context.issuer).origin;
      const initiatePath = context.thirdPartyLogin ? options.initiateLoginPath : undefined;
      const login = new URL(initiatePath ?? options.loginPath ?? '/login', base);
      const params = new URLSearchParams(initiatePath ? context.thirdPartyLogin : context.loginParams);
      // A third party's auto-submitted form posts from its own page, the issuer's: cross-site, as a browser sends it.
      const posted = initiatePath && context.thirdPartyLoginMethod === 'POST' ? params : undefined;
      if (!posted) for (const [name, value] of params) login.searchParams.set(name, value);
      // No such page for the plainest request there is, a link with the issuer's own iss and no target: the kit never
      // reached a login initiation endpoint. (A 404 to a posted form, or to a foreign issuer or target, is an answer.)
      const plain =
        initiatePath !== undefined &&
        !posted &&
        context.thirdPartyLogin?.iss === context.issuer &&
        !context.thirdPartyLogin.target_link_uri;
      const noInitiationEndpoint = (status: number | undefined, page?: string): ClientOutcome | undefined =>
        plain && status === 404
          ? {
              ok: false,
              code: 'action-refused',
              finalUrl: login.href,
              page,
              status,
              message:
                `the app answered GET ${login.pathname} with 404${page === undefined ? '' : `: "${readable(page)}"`}` +
                '; check the login initiation path (initiateLoginPath)',
            }
          : undefined;

      const watch = loginRestartWatch(base.origin, context.issuer, context.clientId);
      let landing;
      try {
        const thirdParty = posted ? { form: posted, referer: new URL(context.issuer) } : undefined;
        const start = options.loginForm
          ? await pressSignIn(browser, login, options.loginForm, context.clientId, thirdParty)
          : { url: login, ...thirdParty };
        if ('missing' in start) {
          const noEndpoint = noInitiationEndpoint(start.status);
          if (noEndpoint) return noEndpoint;
          return {
            ok: false,
            code: 'no-login-form',
            status: start.status,
            message: `no sign-in form to press: ${start.missing}`,
          };
        }
        const { url: startUrl, form, referer } = start;
        landing = await browser.navigate(startUrl, {
          until: (url, posted) =>
            watch.restarts(url, posted) || (url.origin !== base.origin && url.origin !== idpOrigin),
          throwOnError: false,
          ...(form ? { form } : {}),
          ...(referer ? { referer } : {}),
        });
      } catch (error) {
        return browserFailure(error);
      }
      if (watch.restartedAt) {
        const restarted =
          `the app answered the identity provider's response at ${watch.restartedAt.pathname} by sending the ` +
          'browser to log in again';
        if (!whoami) return { ok: false, code: 'login-restarted', finalUrl: landing.url.href, message: restarted };
        // An app may log the user in and then authorize again (step-up, another API's consent): its session says.
        const { answer, body, miss } = await askWhoami(browser, whoami);
        if (miss === undefined) return { ok: true, ...sessionShown(answer, body), finalUrl: landing.url.href };
        return {
          ok: false,
          code: 'login-restarted',
          finalUrl: landing.url.href,
          message: `${restarted}; ${whoami.pathname} ${miss}`,
        };
      }
      const left = landing.response ? undefined : offIssuerAuthorization(landing.url, context, 'the app');
      if (left) return left;
      const finalUrl = landing.url.href;
      // Where, for a person: the app's own pages by path, and never the query (it carries the code).
      const place = (url: URL) => (url.origin === base.origin ? url.pathname : `${url.origin}${url.pathname}`);
      const page = landing.response ? await landing.response.text() : undefined;
      const refused = idpRefusal(landing, context, page, 'redirect URI');
      if (refused) return refused;
      const noEndpoint = passedThrough(landing, idpOrigin)
        ? undefined
        : noInitiationEndpoint(landing.response?.status, page);
      if (noEndpoint) return noEndpoint;

      if (whoami) {
        // Landed on the who-am-I page already: asking again would be a second page view the user never made.
        const landedThere =
          landing.response !== undefined &&
          landing.url.origin === whoami.origin &&
          landing.url.pathname === whoami.pathname;
        const { answer, body, miss } = landedThere
          ? {
              answer: landing.response!,
              body: page ?? '',
              miss: ruleMiss(rule, landing.response!.status, whoami, page ?? ''),
            }
          : await askWhoami(browser, whoami);
        return miss === undefined
          ? { ok: true, ...sessionShown(answer, body), finalUrl, page }
          : {
              ok: false,
              finalUrl,
              page,
              status: landedThere || !landing.response ? answer.status : landing.response.status,
              message:
                landedThere || !landing.response
                  ? `${whoami.pathname} ${miss}: "${readable(body)}"`
                  : `the app showed "${readable(page ?? '')}" at ${place(landing.url)} ` +
                    `(${landing.response.status}); ${whoami.pathname} ${miss}`,
            };
      }
      // Sent on to a foreign origin after the login: the app finished, and where it sent the browser is the evidence.
      if (!landing.response) return { ok: true, finalUrl };
      const miss = ruleMiss(rule, landing.response.status, landing.url, page ?? '');
      if (miss === undefined) return { ok: true, claims: claimsFrom(landing.response, page ?? ''), finalUrl, page };
      const where =
        landing.url.origin === idpOrigin ? `the identity provider's ${landing.url.pathname}` : place(landing.url);
      return {
        ok: false,
        message: `${where} ${miss}: "${readable(page ?? '')}"`,
        finalUrl,
        page,
        status: landing.response.status,
      };
    },
  };
}
