import { InMemoryWebStorage, OidcClient, WebStorageStateStore } from 'oidc-client-ts';
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { startExampleApp } from '../../client/examples/web-app.js';
import {
  type CaseContext,
  type ClientAdapter,
  type ConformanceReport,
  runConformance,
  webAppAdapter,
} from '../../conformance/index.js';
import { startTestWebApp } from '../../fixtures/apps/reference-web-app.js';
import { fastReferenceClient } from '../../fixtures/clients/flawed/flawed-client.js';
import { useIdp } from '../helpers/idp.js';
import { codeFlow, discover } from '../helpers/login.js';

const idp = useIdp({ profiles: ['generic', 'gitlab', 'keycloak'] });

const RP_LOGOUT = ['rp-logout', 'rp-logout-id-token-hint'];

const verdicts = (report: ConformanceReport) =>
  Object.fromEntries(report.results.map((r) => [r.id, `${r.verdict}: ${r.reason}`]));

const run = (adapter: ClientAdapter, issuer = 'generic') =>
  runConformance({ idp: idp(), issuer, adapter, only: RP_LOGOUT, jwksRefetchIntervalMs: 0 });

interface SignOut {
  /** What it sends as id_token_hint: the session's ID token (default), nothing, an empty value, a non-JWT, or the ID
   * token of an earlier login in the same browser. */
  hint?: 'session' | 'none' | 'empty' | 'garbage' | 'earlier-login';
  /** Sends client_id, as buildEndSessionUrl always does (default); false strips it, as a hand-built URL may. */
  clientId?: boolean;
  postLogoutRedirectUri?: string | null;
  method?: 'GET' | 'POST';
  /** Sends the browser to the logout endpoint and no further: the issuer's confirmation is never submitted. */
  stopAtIssuer?: boolean;
  /** First sends a logout request naming no client, which Keycloak refuses, then the real one. */
  retryAfterRefusal?: boolean;
  /** With method POST, puts state in the query of the URL it posts to, where the issuer does not read it. */
  stateInPostUrl?: boolean;
  /**
   * What it does with the state the browser brings back: checks it (default), takes any, sends none, sends one with
   * no post-logout redirect URI for it to come back to, or answers a redirect without one as a crashing post-logout
   * page would (a 500).
   */
  state?: 'checked' | 'ignored' | 'not-sent' | 'sent-alone' | 'crash-when-missing';
}

/**
 * openid-client 6 as its README signs a user out: buildEndSessionUrl with the session's ID token, a post-logout
 * redirect URI and a state, followed in the login's browser; the options make it send each kind of request a client
 * might.
 */
function openidClient(options: SignOut = {}): ClientAdapter {
  const sessions = new Map<string, { config: client.Configuration; idTokens: string[] }>();
  return {
    name: 'openid-client 6',
    capabilities: ['issuer-url'],
    async run({ issuer, clientId, clientSecret, redirectUri, userAgent }) {
      const config = await discover(issuer, clientId, client.ClientSecretBasic(clientSecret));
      const idTokens: string[] = [];
      // Signed in twice, the second time in the same browser: the earlier ID token names an earlier session.
      for (let n = options.hint === 'earlier-login' ? 2 : 1; n > 0; n--) {
        const { tokens } = await codeFlow(config, { scope: 'openid', agent: userAgent, redirectUri });
        idTokens.push(tokens.id_token!);
      }
      sessions.set(clientId, { config, idTokens });
      return { ok: true };
    },
    async logout(context: CaseContext) {
      const session = sessions.get(context.clientId)!;
      sessions.delete(context.clientId);
      const postLogoutRedirectUri =
        options.postLogoutRedirectUri === null
          ? undefined
          : (options.postLogoutRedirectUri ?? context.postLogoutRedirectUri!);
      const stateRule = options.state ?? 'checked';
      const state = client.randomState();
      const hint = {
        session: session.idTokens.at(-1)!,
        none: undefined,
        empty: '',
        garbage: 'a.b.c',
        'earlier-login': session.idTokens[0]!,
      }[options.hint ?? 'session'];
      const params: Record<string, string> = {
        ...(postLogoutRedirectUri ? { post_logout_redirect_uri: postLogoutRedirectUri } : {}),
        ...((postLogoutRedirectUri && stateRule !== 'not-sent') || stateRule === 'sent-alone' ? { state } : {}),
        ...(hint !== undefined ? { id_token_hint: hint } : {}),
      };
      const url = client.buildEndSessionUrl(session.config, params);
      if (options.retryAfterRefusal) {
        const unnamed = new URL(url);
        for (const name of ['client_id', 'id_token_hint']) unnamed.searchParams.delete(name);
        const refused = await context.userAgent.navigate(unnamed);
        if (refused.response?.status !== 400) return { ok: false, message: 'the first request was not refused' };
      }
      if (options.clientId === false) url.searchParams.delete('client_id');
      if (options.stopAtIssuer) {
        await context.userAgent.navigate(url, { until: (u) => u.pathname.endsWith('/confirm') });
        return { ok: true };
      }
      const post = options.method === 'POST';
      const form = new URLSearchParams(url.searchParams);
      const target = new URL(url.pathname, url);
      if (options.stateInPostUrl) {
        target.searchParams.set('state', form.get('state')!);
        form.delete('state');
      }
      const back = await context.userAgent.navigate(post ? target : url, {
        ...(post ? { form } : {}),
        ...(postLogoutRedirectUri ? { until: (u: URL) => u.href.startsWith(postLogoutRedirectUri) } : {}),
      });
      if (!postLogoutRedirectUri || stateRule === 'ignored' || stateRule === 'not-sent') return { ok: true };
      const cameBack = back.url.searchParams.get('state');
      if (cameBack === null && stateRule === 'crash-when-missing')
        return { ok: false, status: 500, message: 'Internal Server Error' };
      return cameBack === state
        ? { ok: true }
        : { ok: false, message: 'the post-logout redirect carried another state' };
    },
  };
}

describe('RP-initiated logout cases', () => {
  it('pass the reference client, which signs out with id_token_hint, a registered URI and a state', async () => {
    const report = await run(fastReferenceClient());
    expect(verdicts(report)).toEqual({
      'rp-logout': 'pass: completed the flow',
      'rp-logout-id-token-hint': 'pass: what it sent the issuer meets the rule',
    });
    // The case's requests show the logout, as a report's reader would look for it.
    const calls = report.results.find((r) => r.id === 'rp-logout')!.calls;
    expect(calls).toEqual(expect.arrayContaining(['end_session', 'end_session_confirm']));
  });

  it("pass openid-client 6's buildEndSessionUrl with the session's ID token", async () => {
    const report = await run(openidClient());
    expect(report.results.map((r) => [r.id, r.verdict])).toEqual([
      ['rp-logout', 'pass'],
      ['rp-logout-id-token-hint', 'pass'],
    ]);
  });

  it('warn a client that names no session (client_id only): RECOMMENDED, not required', async () => {
    const report = await run(openidClient({ hint: 'none' }));
    expect(verdicts(report)).toEqual({
      'rp-logout': 'pass: completed the flow',
      'rp-logout-id-token-hint':
        'warn: its logout request carried no id_token_hint, so the issuer cannot tell which session to end',
    });
    expect(report.passed).toBe(true);
  });

  it('pass a logout request sent by POST, which the issuer must take (RP-Initiated Logout 1.0 §2)', async () => {
    const report = await run(openidClient({ method: 'POST' }));
    expect(report.results.map((r) => [r.id, r.verdict])).toEqual([
      ['rp-logout', 'pass'],
      ['rp-logout-id-token-hint', 'pass'],
    ]);
  });

  it('find a logout request that names no client by the session it ends', async () => {
    const report = await run(openidClient({ hint: 'none', clientId: false, postLogoutRedirectUri: null }));
    expect(verdicts(report)).toEqual({
      'rp-logout': 'pass: completed the flow',
      'rp-logout-id-token-hint':
        'warn: its logout request carried no id_token_hint, so the issuer cannot tell which session to end',
    });
  });

  it('warn an empty id_token_hint, and one that names an earlier session', async () => {
    const empty = await run(openidClient({ hint: 'empty' }));
    expect(verdicts(empty)['rp-logout-id-token-hint']).toBe(
      'warn: its id_token_hint is empty or not a JWT, so it names no session',
    );
    const earlier = await run(openidClient({ hint: 'earlier-login' }));
    expect(verdicts(earlier)).toEqual({
      'rp-logout': 'pass: completed the flow',
      'rp-logout-id-token-hint':
        'warn: its id_token_hint is not an ID token the issuer gave the login it signs out of (an older session ' +
        'names another one)',
    });
  });

  it("fail a client that never takes the browser through the issuer's confirmation", async () => {
    const report = await run(openidClient({ stopAtIssuer: true }));
    expect(verdicts(report)).toEqual({
      'rp-logout':
        "fail: completed, but its logout request was never followed through the issuer's confirmation: the " +
        "issuer's session is not ended",
      'rp-logout-id-token-hint': 'pass: what it sent the issuer meets the rule',
    });
  });

  it('fail a logout the issuer refused for the hint sent, even when the client reports success', async () => {
    const report = await run(openidClient({ hint: 'garbage', postLogoutRedirectUri: null }));
    const byId = Object.fromEntries(report.results.map((r) => [r.id, r]));
    expect(byId['rp-logout']!.verdict).toBe('fail');
    expect(byId['rp-logout']!.reason).toMatch(
      new RegExp(
        /^completed, but the issuer refused its logout request \(400 invalid_request: could not decode id_token_hint/
          .source + /.*\), so the issuer's session is not ended$/.source,
      ),
    );
    expect(byId['rp-logout-id-token-hint']!.verdict).toBe('warn');
    expect(byId['rp-logout-id-token-hint']!.reason).toMatch(
      /^the issuer refused the logout request for its id_token_hint \(400 invalid_request: could not decode/,
    );
  });

  it("fail a Keycloak logout naming no client beside its post-logout redirect URI, in Keycloak's words", async () => {
    const report = await run(openidClient({ hint: 'none', clientId: false }), 'keycloak');
    const byId = Object.fromEntries(report.results.map((r) => [r.id, r]));
    // The refused request named no client: mock-idp found it by the session it would have ended.
    expect(byId['rp-logout']!.calls).toContain('end_session');
    expect(byId['rp-logout']!.verdict).toBe('fail');
    expect(byId['rp-logout']!.reason).toContain(
      "the issuer refused its logout request (400 invalid_request: Either the parameter 'client_id' or the parameter " +
        "'id_token_hint' is required when 'post_logout_redirect_uri' is used.)",
    );
    expect(byId['rp-logout-id-token-hint']!.verdict).toBe('warn');
  });

  it('call a post-logout redirect URI the issuer refused not delivered, never a pass', async () => {
    const report = await run(openidClient({ postLogoutRedirectUri: 'http://127.0.0.1:3000/unregistered' }));
    for (const result of report.results) {
      expect(result.verdict).toBe('not-delivered');
      expect(result.reason).toContain("mock-idp refused the client's logout request (400 invalid_request)");
    }
    expect(report.passed).toBe(false);
  });

  it('skip a client that ends only its own session: the spec leaves RP-initiated logout to it', async () => {
    const local: ClientAdapter = { ...openidClient(), logout: async () => ({ ok: true }) };
    const report = await run(local);
    for (const result of report.results) {
      expect(result.verdict).toBe('skip');
      expect(result.reason).toBe(
        'the client signs out without RP-initiated logout (no request to the end_session_endpoint), which the ' +
          'spec leaves to it',
      );
    }
  });

  it('skip a client that cannot be asked to sign out, and an issuer with no end_session_endpoint', async () => {
    const { logout: _logout, ...noLogout } = openidClient();
    expect(verdicts(await run(noLogout))).toEqual({
      'rp-logout': 'skip: the client lacks: logout',
      'rp-logout-id-token-hint': 'skip: the client lacks: logout',
    });
    expect(verdicts(await run(fastReferenceClient(), 'gitlab'))).toEqual({
      'rp-logout': 'skip: the issuer does not advertise end_session_endpoint',
      'rp-logout-id-token-hint': 'skip: the issuer does not advertise end_session_endpoint',
    });
  });
});

/**
 * oidc-client-ts 3 as a single-page app uses it, run in Node with an in-memory state store: createSignoutRequest with
 * state data sends a state and keeps it; processSignoutResponse finds it again, or throws.
 */
function oidcClientTs(): ClientAdapter {
  const sessions = new Map<string, { oidc: OidcClient; idToken: string }>();
  return {
    name: 'oidc-client-ts 3',
    capabilities: ['issuer-url'],
    async run({ issuer, clientId, clientSecret, redirectUri, userAgent, postLogoutRedirectUri }) {
      const oidc = new OidcClient({
        authority: issuer,
        client_id: clientId,
        client_secret: clientSecret,
        client_authentication: 'client_secret_basic',
        redirect_uri: redirectUri,
        ...(postLogoutRedirectUri ? { post_logout_redirect_uri: postLogoutRedirectUri } : {}),
        scope: 'openid',
        stateStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
      });
      const request = await oidc.createSigninRequest({});
      const back = await userAgent.navigate(request.url, { until: (u) => u.href.startsWith(redirectUri) });
      const response = await oidc.processSigninResponse(back.url.href);
      sessions.set(clientId, { oidc, idToken: response.id_token! });
      return { ok: true };
    },
    async logout(context: CaseContext) {
      const { oidc, idToken } = sessions.get(context.clientId)!;
      sessions.delete(context.clientId);
      const request = await oidc.createSignoutRequest({ id_token_hint: idToken, state: { returnTo: '/' } });
      const back = await context.userAgent.navigate(request.url, {
        until: (u) => u.href.startsWith(context.postLogoutRedirectUri!),
      });
      try {
        await oidc.processSignoutResponse(back.url.href);
        return { ok: true };
      } catch (error) {
        return { ok: false, message: (error as Error).message };
      }
    },
  };
}

describe('the state a post-logout redirect brings back (rp-init-logout-other-state, -no-state)', () => {
  const STATE_CASES = ['rp-logout', 'rp-logout-other-state', 'rp-logout-no-state'];
  const NO_STATE_ASKED =
    'skip: the client asked for no state to come back: its logout request lacks a state, a post_logout_redirect_uri, ' +
    'or an id_token_hint or client_id naming it, all of which RP-Initiated Logout leaves optional';
  const runStateCases = (adapter: ClientAdapter, issuer = 'generic') =>
    runConformance({ idp: idp(), issuer, adapter, only: STATE_CASES, jwksRefetchIntervalMs: 0 });
  /**
   * A test web app with these routes, judged black-box and closed: its client registered with the secret
   * `<clientId>-secret` and `/` to come back to.
   */
  const runStateCasesOnTestApp = async (clientId: string, route: Parameters<typeof startTestWebApp>[2]) => {
    const clientSecret = `${clientId}-secret`;
    const app = await startTestWebApp({ issuer: idp().issuers.generic!, clientId, clientSecret }, clientId, route);
    try {
      return await runConformance({
        idp: idp(),
        only: STATE_CASES,
        adapter: webAppAdapter({ url: app.url, whoami: '/me', logoutPath: '/logout' }),
        client: {
          clientId,
          clientSecret,
          redirectUris: [`${app.url}/callback`],
          postLogoutRedirectUris: [`${app.url}/`],
        },
      });
    } finally {
      await app.close();
    }
  };

  it('pass the reference client, whose finishLogout takes back only the state its logout sent', async () => {
    for (const issuer of ['generic', 'keycloak']) {
      expect(verdicts(await runStateCases(fastReferenceClient(), issuer)), issuer).toEqual({
        'rp-logout': 'pass: completed the flow',
        'rp-logout-other-state':
          'pass: rejected: (state_mismatch) the post-logout redirect state is not the one this logout sent',
        'rp-logout-no-state': 'pass: rejected (allowed): (state_mismatch) the post-logout redirect has no state',
      });
    }
  });

  it("serve each fault on the redirect back, after the issuer's session ended", async () => {
    const report = await runStateCases(fastReferenceClient());
    for (const id of ['rp-logout-other-state', 'rp-logout-no-state']) {
      const result = report.results.find((r) => r.id === id)!;
      expect(result.calls, id).toEqual(expect.arrayContaining(['end_session', 'end_session_confirm']));
      const faulted = result.requests!.filter((r) => r.faults?.length);
      expect(
        faulted.map((r) => [r.route, r.faults]),
        id,
      ).toEqual([['end_session_confirm', ['post_logout_redirect']]]);
      const served = result.served!.find((f) => f.target === 'post_logout_redirect')!.values!;
      expect(served.state, id).toBe(id === 'rp-logout-other-state' ? 'altered-logout-state' : undefined);
    }
  });

  it('warn openid-client 6 used with a state it never checks, and pass it when it checks', async () => {
    expect(verdicts(await runStateCases(openidClient({ state: 'ignored' })))).toEqual({
      'rp-logout': 'pass: completed the flow',
      'rp-logout-other-state': 'warn: accepted a response it must reject',
      'rp-logout-no-state': 'pass: accepted (allowed)',
    });
    const checked = await runStateCases(openidClient());
    expect(checked.results.map((r) => [r.id, r.verdict])).toEqual([
      ['rp-logout', 'pass'],
      ['rp-logout-other-state', 'pass'],
      ['rp-logout-no-state', 'pass'],
    ]);
    expect(checked.passed).toBe(true);
  });

  it('pass oidc-client-ts 3, whose processSignoutResponse finds no stored state for another one', async () => {
    expect(verdicts(await runStateCases(oidcClientTs()))).toEqual({
      'rp-logout': 'pass: completed the flow',
      'rp-logout-other-state': 'pass: rejected: No matching state found in storage',
      // It skips the check when the redirect names no state: allowed.
      'rp-logout-no-state': 'pass: accepted (allowed)',
    });
  });

  it('skip a client that sends no state with its logout request: the spec leaves it optional', async () => {
    const report = await runStateCases(openidClient({ state: 'not-sent' }));
    expect(verdicts(report)).toEqual({
      'rp-logout': 'pass: completed the flow',
      'rp-logout-other-state': NO_STATE_ASKED,
      'rp-logout-no-state': NO_STATE_ASKED,
    });
  });

  it('judge a client that sends its logout request again after a refusal on the request the issuer took', async () => {
    const report = await runStateCases(openidClient({ retryAfterRefusal: true }), 'keycloak');
    expect(verdicts(report)).toEqual({
      // The request the issuer took ended its session: the refusal it got past ended nothing.
      'rp-logout': 'pass: completed the flow',
      'rp-logout-other-state': 'pass: rejected: the post-logout redirect carried another state',
      'rp-logout-no-state': 'pass: rejected (allowed): the post-logout redirect carried another state',
    });
  });

  it("read a POSTed logout request's state from its form, as the issuer does, not from the URL's query", async () => {
    const report = await runStateCases(openidClient({ method: 'POST', stateInPostUrl: true }));
    expect(verdicts(report)).toEqual({
      // The issuer never read that state, so none came back, and the client's own check refused its sign-out.
      'rp-logout': 'fail: failed a valid flow: the post-logout redirect carried another state',
      'rp-logout-other-state': NO_STATE_ASKED,
      'rp-logout-no-state': NO_STATE_ASKED,
    });
    const posted = await runStateCases(openidClient({ method: 'POST' }));
    expect(posted.results.map((r) => [r.id, r.verdict])).toEqual([
      ['rp-logout', 'pass'],
      ['rp-logout-other-state', 'pass'],
      ['rp-logout-no-state', 'pass'],
    ]);
  });

  it('skip a client whose logout request names nowhere for the state to come back to', async () => {
    const report = await runStateCases(openidClient({ state: 'sent-alone', postLogoutRedirectUri: null }));
    expect(verdicts(report)).toEqual({
      'rp-logout': 'pass: completed the flow',
      'rp-logout-other-state': NO_STATE_ASKED,
      'rp-logout-no-state': NO_STATE_ASKED,
    });
    // A state and a post-logout redirect URI, but no client named: the issuer has nothing to check the URI against.
    const unnamed = await runStateCases(openidClient({ hint: 'none', clientId: false }));
    expect(verdicts(unnamed)['rp-logout-other-state']).toBe(NO_STATE_ASKED);
    expect(verdicts(unnamed)['rp-logout-no-state']).toBe(NO_STATE_ASKED);
  });

  it('warn a post-logout page that answers a redirect without state with a server error', async () => {
    const report = await runStateCases(openidClient({ state: 'crash-when-missing' }));
    expect(verdicts(report)['rp-logout-no-state']).toBe(
      'warn: a server error (HTTP 500) instead of a clean rejection: Internal Server Error',
    );
  });

  it('pass the example app black-box on Keycloak too, whose logout rules its request meets', async () => {
    const client = { clientId: 'example-on-keycloak', clientSecret: 'example-on-keycloak-secret' };
    const app = await startExampleApp({ issuer: idp().issuers.keycloak!, ...client, port: 0 });
    try {
      const report = await runConformance({
        idp: idp(),
        issuer: 'keycloak',
        only: STATE_CASES,
        adapter: webAppAdapter({ url: app.url, whoami: '/me', logoutPath: '/logout' }),
        client: { ...client, redirectUris: [`${app.url}/callback`], postLogoutRedirectUris: [`${app.url}/`] },
      });
      expect(verdicts(report)).toEqual({
        'rp-logout': 'pass: completed the flow',
        'rp-logout-other-state': expect.stringMatching(
          /^pass: rejected: \(post-logout-refused\) the app answered the post-logout redirect at \/ with 400/,
        ),
        'rp-logout-no-state': 'pass: accepted (allowed)',
      });
    } finally {
      await app.close();
    }
  });

  it("call a refusal no check of the state when the app's post-logout page refuses everyone", async () => {
    // Its home page, the post-logout redirect URI, answers 401 to anyone signed out: every redirect back is refused.
    const report = await runStateCasesOnTestApp('signed-in-home', async ({ ctx, session, setCookies, url }) => {
      if (ctx.path === '/login') ctx.redirect((await session.start('browser')).href);
      else if (ctx.path === '/callback') {
        await session.finish('browser', `${url}${ctx.url}`);
        ctx.redirect('/me');
      } else if (ctx.path === '/logout')
        ctx.redirect((await session.logout('browser', { postLogoutRedirectUri: `${url}/` })).url!.href);
      else {
        ctx.status = 401;
        ctx.body = 'Sign in to continue';
      }
      ctx.set('set-cookie', setCookies());
    });
    expect(verdicts(report)).toEqual({
      // Its session ended: the sign-out is done, whatever its page then says.
      'rp-logout':
        'pass: completed the flow; the app answered the post-logout redirect at / with 401: "Sign in to continue"',
      'rp-logout-other-state':
        'skip: the client took the redirect back from no valid sign-out in the run (run rp-logout with this case; ' +
        'it says how that one ended), so refusing this one proves no check of its state',
      'rp-logout-no-state':
        'pass: rejected (allowed): (post-logout-refused) the app answered the post-logout redirect at / with 401: ' +
        '"Sign in to continue"',
    });
  });

  it('pass an app that refuses another state and ends its own session only once the state checks out', async () => {
    // Its sign-out keeps the app's session until the redirect back brings the state /logout sent.
    const report = await runStateCasesOnTestApp('careful-logout', async ({ ctx, session, setCookies, url }) => {
      // Only what is set, never what is cleared: the session cookie stays until the logout is confirmed.
      const keepSession = () => setCookies().filter((cookie) => !/max-age=0/i.test(cookie));
      if (ctx.path === '/login') {
        ctx.redirect((await session.start('browser')).href);
        ctx.set('set-cookie', setCookies());
      } else if (ctx.path === '/callback') {
        await session.finish('browser', `${url}${ctx.url}`);
        ctx.redirect('/me');
        ctx.set('set-cookie', setCookies());
      } else if (ctx.path === '/logout') {
        const current = await session.session('browser');
        const { url: logoutUrl } = await session.logout('browser', { postLogoutRedirectUri: `${url}/` });
        ctx.redirect(logoutUrl!.href);
        ctx.set('set-cookie', current ? keepSession() : setCookies());
      } else if (ctx.query.state !== undefined) {
        try {
          await session.finishLogout('browser', `${url}${ctx.url}`);
          await session.logout('browser');
          ctx.body = 'Signed out';
          ctx.set('set-cookie', setCookies());
        } catch {
          ctx.status = 400;
          ctx.body = 'That sign-out was not yours';
        }
      } else ctx.body = 'Home';
    });
    expect(verdicts(report)).toEqual({
      'rp-logout': 'pass: completed the flow',
      'rp-logout-other-state':
        'pass: rejected: (still-signed-in) the app answered the post-logout redirect at / with 400, and the ' +
        "app's own session outlived its sign-out: after /logout, /me still answers as signed in (200)",
      // It took the redirect as no sign-out at all: its session stays, which is allowed here.
      'rp-logout-no-state': 'pass: accepted (allowed)',
    });
  });

  it('keep the miss of a client that takes another state, even with no valid redirect taken in the run', async () => {
    const report = await runConformance({
      idp: idp(),
      adapter: openidClient({ state: 'ignored' }),
      only: ['rp-logout-other-state'],
      jwksRefetchIntervalMs: 0,
    });
    expect(verdicts(report)).toEqual({ 'rp-logout-other-state': 'warn: accepted a response it must reject' });
  });

  it('skip both where the issuer offers no RP-initiated logout, and refuse to arm their scenarios there', async () => {
    const report = await runStateCases(fastReferenceClient(), 'gitlab');
    for (const result of report.results) expect(result.verdict).toBe('skip');
    expect(() => idp().admin.arm('gitlab', 'gitlab-app', 'post-logout-state-altered')).toThrow(
      /faults the redirect back after RP-initiated logout, which this issuer does not offer/,
    );
  });
});
