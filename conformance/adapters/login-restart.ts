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

/**
 * Where mock-idp serves the issuer: its first path segment (`/generic/`, `/entra/`), under which the issuer's
 * authorization endpoint and login pages are, even where they are not under the issuer path itself (Entra's
 * `/entra/common/oauth2/v2.0/authorize` beside the issuer `/entra/common/v2.0`). An app behind the same proxy has
 * the same origin and other paths.
 */
function issuerMount(issuer: string): string {
  const url = new URL(issuer);
  const first = url.pathname.split('/').find(Boolean);
  return first ? `${url.origin}/${first}/` : `${url.origin}/`;
}

/**
 * Watches one browser's hops for an app that answers the issuer's response by starting a new login, as
 * passport's `failureRedirect: '/login'` does. Followed on, each new login meets the case's fault again until
 * the browser gives up, or meets none and logs in: a rejection the kit would read as acceptance. So the
 * browser stops there, and the app's own reaction to the response is what is judged.
 *
 * An authorization request is the first request that carries the client's client_id (every kind does: with
 * response_type, a pushed request's request_uri, a request object, or GitHub's and Stack Exchange's, which carry
 * none), and a new login is another request to its URL path.
 */
export function loginRestartWatch(appOrigin: string, issuer: string, clientId: string) {
  const mount = issuerMount(issuer);
  const atApp = (url: URL) => url.origin === appOrigin && !url.href.startsWith(mount);
  let authorization: URL | undefined;
  let awaitingAnswer = false;
  let answered: URL | undefined;
  let restartedAt: URL | undefined;
  return {
    /**
     * Called with each URL before the browser requests it, and the form it posts there if any; true when the app
     * has just restarted the login.
     */
    restarts(url: URL, form?: URLSearchParams): boolean {
      const authorizes =
        url.searchParams.get('client_id') === clientId &&
        (authorization === undefined ||
          (url.origin === authorization.origin && url.pathname === authorization.pathname));
      if (authorizes) {
        if (answered) {
          restartedAt = answered;
          return true;
        }
        authorization ??= url;
        awaitingAnswer = true;
        return false;
      }
      if (awaitingAnswer && atApp(url)) {
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
