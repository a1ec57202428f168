import { describe, expect, it } from 'vitest';
import { NavigationError, UserAgent } from '../../mock-idp/index.js';
import { mockIdp } from '../../mock-idp/vitest.js';
import { REDIRECT_URI } from '../helpers/idp.js';

// Read-only use of the generic issuer: the run's shared mock-idp.
const idp = mockIdp();
const issuer = idp.issuers.generic!;

const WRONG = 'http://127.0.0.1:3000/calback';
const PKCE = { code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' };
const authorize = (redirectUri: string) => {
  const query = new URLSearchParams({
    client_id: 'generic-basic',
    response_type: 'code',
    scope: 'openid',
    redirect_uri: redirectUri,
    ...PKCE,
  });
  return `${issuer}/auth?${query}`;
};

describe('UserAgent.navigate stopped by an error page', () => {
  it('throws a NavigationError quoting the page when until never matches', async () => {
    const error = await new UserAgent()
      .navigate(authorize(WRONG), { until: (u) => u.href.startsWith(WRONG) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NavigationError);
    const stopped = error as NavigationError;
    expect(stopped.status).toBe(400);
    expect(stopped.url.pathname).toBe('/generic/auth');
    expect(stopped.message).toContain('(400) before reaching the redirect URI');
    expect(stopped.message).toContain("redirect_uri did not match any of the client's registered redirect_uris");
    expect(stopped.page).toContain(WRONG);
    expect(stopped.page).toContain(
      `Registered for generic-basic\n${REDIRECT_URI} closest\nhttp://localhost:3000/callback\n`,
    );
    expect(stopped.page).toContain('issuers:\n  - name: "generic"\n    clients:');
    expect(stopped.page).toContain(
      `curl -X POST '${idp.url}/_admin/issuers/generic/clients/generic-basic/redirect_uris'`,
    );
    expect(stopped.page).not.toContain('mock-idp · a local identity provider');
  });

  it('quotes a JSON error answer as sent', async () => {
    const error = (await new UserAgent()
      .navigate(`${issuer}/me`, { until: () => false })
      .catch((e: unknown) => e)) as NavigationError;
    expect(error).toBeInstanceOf(NavigationError);
    expect(error.status).toBeGreaterThanOrEqual(400);
    expect(error.page).toMatch(/"error":"invalid_(token|request)"/);
  });

  it('returns the page instead with throwOnError: false, or without until', async () => {
    const kept = await new UserAgent().navigate(authorize(WRONG), {
      until: (u) => u.href.startsWith(WRONG),
      throwOnError: false,
    });
    expect(kept.response?.status).toBe(400);
    expect(await kept.response!.text()).toContain('invalid_redirect_uri');
    const plain = await new UserAgent().navigate(authorize(WRONG));
    expect(plain.response?.status).toBe(400);
  });

  it('still reaches until on a good login', async () => {
    const { url } = await new UserAgent().navigate(authorize(REDIRECT_URI), {
      until: (u) => u.href.startsWith(REDIRECT_URI),
    });
    expect(url.searchParams.get('code')).toBeTruthy();
  });
});
