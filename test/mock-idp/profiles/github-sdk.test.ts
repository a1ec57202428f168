import { createOAuthDeviceAuth } from '@octokit/auth-oauth-device';
import {
  createDeviceCode,
  exchangeDeviceCode,
  exchangeWebFlowCode,
  getWebFlowAuthorizationUrl,
  refreshToken,
} from '@octokit/oauth-methods';
import { request as octokitRequest } from '@octokit/request';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserAgent } from '../../../mock-idp/index.js';
import { fixtureJson, REDIRECT_URI, useIdp } from '../../helpers/idp.js';
import { useMswProviders } from '../../helpers/msw.js';

/**
 * GitHub's own SDK (@octokit/oauth-methods 6, @octokit/auth-oauth-device 8),
 * unmodified: first through msw at https://github.com and https://api.github.com,
 * then against a running mock-idp through the request's baseUrl.
 */
interface FixtureClient {
  client_id: string;
  client_secret: string;
}
const [OAUTH_APP, GITHUB_APP] = fixtureJson<FixtureClient[]>('clients/github.json') as [FixtureClient, FixtureClient];
const EIGHT_HOURS_MS = 28800 * 1000;

type Request = typeof octokitRequest;

/** The user at the browser: follows the authorize URL through the login to the callback, and returns the code. */
async function browserCode(url: string): Promise<string> {
  const { url: callback } = await new UserAgent().navigate(url, { until: (u) => u.href.startsWith(REDIRECT_URI) });
  expect(callback.searchParams.get('state')).toBe('octo-state');
  return callback.searchParams.get('code')!;
}

/** The user enters the device's code at verification_uri. */
async function enterUserCode(verificationUri: string, userCode: string): Promise<void> {
  const url = new URL(verificationUri);
  url.searchParams.set('user_code', userCode);
  await new UserAgent().navigate(url);
}

/** Every flow the SDK offers, run with the given request (the default one under msw, or one with a baseUrl). */
function sdkFlows(name: string, request: () => Request | undefined, apiBase: () => string) {
  const withRequest = () => {
    const r = request();
    return r ? { request: r } : {};
  };
  const api = () => request() ?? octokitRequest;

  describe(name, () => {
    it(
      'web flow for an OAuth app: exchangeWebFlowCode gets a gho_ token ' + 'that reads /user and /user/emails',
      async () => {
        const { url } = getWebFlowAuthorizationUrl({
          clientType: 'oauth-app',
          clientId: OAUTH_APP.client_id,
          redirectUrl: REDIRECT_URI,
          scopes: ['read:user', 'user:email'],
          state: 'octo-state',
          ...withRequest(),
        });
        expect(url.startsWith(`${apiBase()}/login/oauth/authorize?`)).toBe(true);
        const { authentication, headers } = await exchangeWebFlowCode({
          clientType: 'oauth-app',
          clientId: OAUTH_APP.client_id,
          clientSecret: OAUTH_APP.client_secret,
          code: await browserCode(url),
          redirectUrl: REDIRECT_URI,
          ...withRequest(),
        });
        expect(authentication.token).toMatch(/^gho_/);
        // octokit splits on white space; GitHub's list is comma-separated, so it keeps one item.
        expect(authentication.scopes).toEqual(['read:user,user:email']);
        expect(headers.date).toBeTruthy();

        const auth = { headers: { authorization: `token ${authentication.token}` } };
        const user = await api()('GET /user', auth);
        expect(user.data).toMatchObject({ login: 'octocat', id: 583231 });
        expect(user.headers['x-oauth-scopes']).toBe('read:user, user:email');
        const emails = await api()('GET /user/emails', auth);
        expect(emails.data).toContainEqual(expect.objectContaining({ email: 'octocat@github.com', primary: true }));
      },
    );

    it("treats GitHub's HTTP 200 bad_verification_code as the error it is", async () => {
      const failed = exchangeWebFlowCode({
        clientType: 'oauth-app',
        clientId: OAUTH_APP.client_id,
        clientSecret: OAUTH_APP.client_secret,
        code: 'expired-or-made-up',
        ...withRequest(),
      });
      await expect(failed).rejects.toMatchObject({
        message: expect.stringContaining('(bad_verification_code, https://docs.github.com/'),
        response: { status: 200, data: { error: 'bad_verification_code' } },
      });
    });

    it('web flow for a GitHub App: an 8-hour ghu_ token, and refreshToken rotates the pair', async () => {
      const { url } = getWebFlowAuthorizationUrl({
        clientType: 'github-app',
        clientId: GITHUB_APP.client_id,
        redirectUrl: REDIRECT_URI,
        state: 'octo-state',
        ...withRequest(),
      });
      const before = Date.now();
      const { authentication } = await exchangeWebFlowCode({
        clientType: 'github-app',
        clientId: GITHUB_APP.client_id,
        clientSecret: GITHUB_APP.client_secret,
        code: await browserCode(url),
        ...withRequest(),
      });
      expect(authentication.token).toMatch(/^ghu_/);
      const first = authentication as typeof authentication & {
        refreshToken: string;
        expiresAt: string;
        refreshTokenExpiresAt: string;
      };
      expect(first.refreshToken).toMatch(/^ghr_/);
      // Computed by octokit from the Date header plus expires_in: the header is whole seconds.
      expect(Date.parse(first.expiresAt)).toBeGreaterThanOrEqual(before - 1000 + EIGHT_HOURS_MS);
      expect(Date.parse(first.refreshTokenExpiresAt)).toBeGreaterThan(Date.parse(first.expiresAt));

      const { authentication: next } = await refreshToken({
        clientType: 'github-app',
        clientId: GITHUB_APP.client_id,
        clientSecret: GITHUB_APP.client_secret,
        refreshToken: first.refreshToken,
        ...withRequest(),
      });
      expect(next.token).toMatch(/^ghu_/);
      expect(next.refreshToken).not.toBe(first.refreshToken);
      const me = await api()('GET /user', { headers: { authorization: `bearer ${next.token}` } });
      expect(me.data).toMatchObject({ login: 'octocat' });
      await expect(api()('GET /user', { headers: { authorization: `bearer ${first.token}` } })).rejects.toMatchObject({
        status: 401,
      });
      await expect(
        refreshToken({
          clientType: 'github-app',
          clientId: GITHUB_APP.client_id,
          clientSecret: GITHUB_APP.client_secret,
          refreshToken: first.refreshToken,
          ...withRequest(),
        }),
      ).rejects.toMatchObject({ response: { status: 200, data: { error: 'bad_refresh_token' } } });
    });

    it(
      'device flow: createDeviceCode, then exchangeDeviceCode meets authorization_pending, ' +
        'and slow_down (+5 s) when it polls again at once',
      async () => {
        const { data: device } = await createDeviceCode({
          clientType: 'oauth-app',
          clientId: OAUTH_APP.client_id,
          scopes: ['read:user'],
          ...withRequest(),
        });
        expect(device).toMatchObject({ interval: 5, expires_in: 900, verification_uri: `${apiBase()}/login/device` });
        const exchange = () =>
          exchangeDeviceCode({
            clientType: 'oauth-app',
            clientId: OAUTH_APP.client_id,
            code: device.device_code,
            ...withRequest(),
          });
        await expect(exchange()).rejects.toMatchObject({
          response: { status: 200, data: { error: 'authorization_pending' } },
        });
        await enterUserCode(device.verification_uri, device.user_code);
        // Polled again at once: GitHub says slow down and raises the interval by 5 s.
        await expect(exchange()).rejects.toMatchObject({ response: { data: { error: 'slow_down', interval: 10 } } });
      },
    );

    it('device flow with @octokit/auth-oauth-device: the user enters the code, auth() gets the token', async () => {
      const auth = createOAuthDeviceAuth({
        clientType: 'oauth-app',
        clientId: OAUTH_APP.client_id,
        scopes: ['user:email'],
        ...withRequest(),
        onVerification: (verification) => enterUserCode(verification.verification_uri, verification.user_code),
      });
      const token = await auth({ type: 'oauth' });
      expect(token).toMatchObject({ type: 'token', tokenType: 'oauth', scopes: ['user:email'] });
      expect(token.token).toMatch(/^gho_/);
      const emails = await api()('GET /user/emails', { headers: { authorization: `token ${token.token}` } });
      expect(emails.status).toBe(200);
    });
  });
}

describe('through msw at https://github.com and https://api.github.com', () => {
  const providers = useMswProviders(['github']);

  it('serves github as https://github.com', () => {
    expect(providers().issuers.github).toBe('https://github.com');
  });

  sdkFlows(
    'the SDK with its defaults',
    () => undefined,
    () => 'https://github.com',
  );
});

describe('against a running mock-idp, the SDK pointed at it through request.defaults({ baseUrl })', () => {
  const idp = useIdp({ issuers: [{ name: 'github', profile: 'github' }] });
  let request: Request;
  beforeAll(() => {
    request = octokitRequest.defaults({ baseUrl: idp().issuers.github! });
  });
  sdkFlows(
    'the SDK with a baseUrl',
    () => request,
    () => idp().issuers.github!,
  );
});
