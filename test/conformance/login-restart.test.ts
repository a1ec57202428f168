import { describe, expect, it } from 'vitest';
import { loginRestartWatch } from '../../conformance/adapters/login-restart.js';

/** Feeds a browser's hops to a watch; the index of the hop it stops at, or -1. */
function stopAt(
  watch: ReturnType<typeof loginRestartWatch>,
  hops: readonly (string | readonly [string, Record<string, string>])[],
) {
  return hops.findIndex((hop) =>
    typeof hop === 'string'
      ? watch.restarts(new URL(hop))
      : watch.restarts(new URL(hop[0]), new URLSearchParams(hop[1])),
  );
}

const APP = 'http://127.0.0.1:3000';

describe('the web adapter sees an app start a login over', () => {
  it("at any authorization endpoint: Entra's beside its issuer path, GitHub's without response_type", () => {
    for (const [issuer, authorize] of [
      ['http://127.0.0.1:9400/entra/common/v2.0', 'http://127.0.0.1:9400/entra/common/oauth2/v2.0/authorize'],
      ['https://github.com', 'https://github.com/login/oauth/authorize'],
    ] as const) {
      const watch = loginRestartWatch(APP, issuer, 'app');
      const hops = [`${APP}/login`, `${authorize}?client_id=app&state=s`, `${APP}/cb?code=c&state=s`, `${APP}/login`];
      expect(stopAt(watch, [...hops, `${authorize}?client_id=app&state=t`]), issuer).toBe(4);
      expect(watch.restartedAt?.pathname).toBe('/cb');
    }
  });

  it('behind one proxy, where the app and the issuer share an origin, by path', () => {
    const origin = 'http://127.0.0.1:8080';
    const watch = loginRestartWatch(origin, `${origin}/generic`, 'app');
    const auth = `${origin}/generic/auth?client_id=app&response_type=code`;
    const hops = [`${origin}/login`, auth, `${origin}/generic/interaction/x`, `${origin}/generic/auth/x`];
    expect(stopAt(watch, [...hops, `${origin}/cb?code=c`, `${origin}/login`, auth])).toBe(6);
  });

  it('but not at the interactive login after a silent one answered login_required, in the query or a form post', () => {
    const auth = 'http://127.0.0.1:9400/generic/auth?client_id=app&response_type=code';
    for (const answer of [`${APP}/cb?error=login_required`, [`${APP}/cb`, { error: 'login_required' }]] as const) {
      const watch = loginRestartWatch(APP, 'http://127.0.0.1:9400/generic', 'app');
      expect(
        stopAt(watch, [`${APP}/login`, `${auth}&prompt=none`, answer, auth, `${APP}/cb?code=c`, `${APP}/me`]),
      ).toBe(-1);
    }
  });

  it('by the redirect URI it named, where the app shares its origin and first path segment with the issuer', () => {
    const origin = 'http://127.0.0.1:8080';
    for (const issuer of [origin, `${origin}/auth/realms/demo`]) {
      const watch = loginRestartWatch(origin, issuer, 'app');
      const callback = encodeURIComponent(`${origin}/auth/callback/idp`);
      const auth = `${issuer}/authorize?client_id=app&redirect_uri=${callback}`;
      const hops = [`${origin}/auth/signin`, auth, `${issuer}/interaction/x`, `${origin}/auth/callback/idp?code=c`];
      expect(stopAt(watch, [...hops, `${origin}/auth/signin`, auth]), issuer).toBe(5);
      expect(watch.restartedAt?.pathname).toBe('/auth/callback/idp');
    }
  });

  it('and takes a logout at the issuer before the login for no authorization request', () => {
    const idp = 'http://127.0.0.1:9400/generic';
    const watch = loginRestartWatch(APP, idp, 'app');
    const logout = `${idp}/session/end?client_id=app&post_logout_redirect_uri=${encodeURIComponent(`${APP}/login2`)}`;
    const auth = `${idp}/auth?client_id=app&response_type=code`;
    const hops = [logout, `${APP}/login2`, auth, `${APP}/cb?code=c`, `${APP}/login`, logout, `${APP}/login2`, auth];
    expect(stopAt(watch, hops)).toBe(7);
    expect(watch.restartedAt?.pathname).toBe('/cb');
  });

  it('nor at a request that names another client', () => {
    const watch = loginRestartWatch(APP, 'http://127.0.0.1:9400/generic', 'app');
    const auth = (client: string) => `http://127.0.0.1:9400/generic/auth?client_id=${client}&response_type=code`;
    expect(stopAt(watch, [auth('app'), `${APP}/cb?code=c`, auth('other-app')])).toBe(-1);
  });
});
