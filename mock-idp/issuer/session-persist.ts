import type Provider from 'oidc-provider';

/**
 * oidc-provider 9.13.3 saves a touched session after every request with
 * Session#persist, which throws for a session that was never saved. A POST to
 * the device page without the session its GET made (no cookie, an expired
 * one) touches a new session, fails the xsrf check, and then the save turns
 * that 400 into a 500. A never-saved session has nothing to persist, so the
 * request's own error stands.
 */
export function patchSessionPersist(provider: Provider): void {
  const prototype = provider.Session.prototype as { persist(): Promise<unknown>; exp?: number };
  const persist = prototype.persist;
  prototype.persist = function (this: { exp?: number }) {
    if (typeof this.exp !== 'number') return Promise.resolve(undefined);
    return persist.call(this);
  };
}
