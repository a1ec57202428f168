/**
 * The answers to a silent login (prompt=none, OIDC Core 3.1.2.6): an app that tried one first starts an interactive
 * login next, which is the same login going on, not a restart.
 */
const SILENT_LOGIN_ERRORS = new Set([
  'login_required',
  'interaction_required',
  'consent_required',
  'account_selection_required',
]);

const samePage = (a: URL, b: URL) => a.origin === b.origin && a.pathname === b.pathname;

/**
 * An authorization request names the client: with response_type, a pushed request's request_uri, a request
 * object, or bare (GitHub's and Stack Exchange's). A logout at the issuer names it too, with where to come back.
 */
const authorizes = (url: URL, clientId: string) =>
  url.searchParams.get('client_id') === clientId && !url.searchParams.has('post_logout_redirect_uri');

/**
 * Watches one browser's hops for an app that answers the issuer's response by starting a new login, as
 * passport's `failureRedirect: '/login'` does. Followed on, each new login meets the case's fault again until
 * the browser gives up, or meets none and logs in: a rejection the kit would read as acceptance. So the
 * browser stops there, and the app's own reaction to the response is what is judged.
 *
 * The response arrives at the redirect_uri the authorization request named; a pushed request names none in the
 * browser, and then it is the first page of the app's origin outside the issuer's paths. A new login is another
 * request to the same authorization endpoint.
 */
export function loginRestartWatch(appOrigin: string, issuer: string, clientId: string) {
  const issuerPrefix = `${issuer.replace(/\/$/, '')}/`;
  let authorization: URL | undefined;
  let callback: URL | undefined;
  let awaitingAnswer = false;
  let answered: URL | undefined;
  let restartedAt: URL | undefined;
  // Without a redirect_uri to go by: the app's origin, outside the issuer's paths and its authorization endpoint's.
  let endpointDir = '';
  const answers = (url: URL) =>
    callback
      ? samePage(url, callback)
      : url.origin === appOrigin && !url.href.startsWith(issuerPrefix) && !url.href.startsWith(endpointDir);
  return {
    /**
     * Called with each URL before the browser requests it, and the form it posts there if any; true when the app
     * has just restarted the login.
     */
    restarts(url: URL, form?: URLSearchParams): boolean {
      if (authorizes(url, clientId) && (authorization === undefined || samePage(url, authorization))) {
        if (answered) {
          restartedAt = answered;
          return true;
        }
        if (!authorization) {
          authorization = url;
          endpointDir = url.href.slice(0, url.href.lastIndexOf('/') + 1);
          const redirectUri = url.searchParams.get('redirect_uri');
          if (redirectUri && URL.canParse(redirectUri)) callback = new URL(redirectUri);
        }
        awaitingAnswer = true;
        return false;
      }
      if (awaitingAnswer && answers(url)) {
        awaitingAnswer = false;
        const error = url.searchParams.get('error') ?? form?.get('error') ?? null;
        if (error === null || !SILENT_LOGIN_ERRORS.has(error)) answered = url;
      }
      return false;
    },
    /** The app's URL that took the issuer's response before the app started a new login, once it has. */
    get restartedAt(): URL | undefined {
      return restartedAt;
    },
  };
}
