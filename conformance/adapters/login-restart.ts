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

/** A request that starts a login at the issuer: it carries response_type, or a pushed request's request_uri. */
const startsLogin = (url: URL, issuerPrefix: string) =>
  url.href.startsWith(issuerPrefix) && (url.searchParams.has('response_type') || url.searchParams.has('request_uri'));

/**
 * Watches one browser's hops for an app that answers the issuer's response by starting a new login, as
 * passport's `failureRedirect: '/login'` does. Followed on, each new login meets the case's fault again until
 * the browser gives up, or meets none and logs in: a rejection the kit would read as acceptance. So the
 * browser stops there, and the app's own reaction to the response is what is judged.
 */
export function loginRestartWatch(appOrigin: string, issuer: string) {
  const issuerPrefix = `${issuer.replace(/\/$/, '')}/`;
  let atIssuer = false;
  let answered: URL | undefined;
  let restartedAt: URL | undefined;
  return {
    /** Called with each URL before the browser requests it; true when the app has just restarted the login. */
    restarts(url: URL): boolean {
      if (answered && startsLogin(url, issuerPrefix)) {
        restartedAt = answered;
        return true;
      }
      if (url.origin === new URL(issuerPrefix).origin) atIssuer = true;
      else if (url.origin === appOrigin && atIssuer && !answered) {
        const error = url.searchParams.get('error');
        if (error === null || !SILENT_LOGIN_ERRORS.has(error)) answered = url;
        atIssuer = false;
      }
      return false;
    },
    /** The app's URL that took the issuer's response before the app started a new login, once it has. */
    get restartedAt(): URL | undefined {
      return restartedAt;
    },
  };
}
