import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, importX509, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { FLAWS, type Flaw } from '../../client/flaws.js';
import { clientSecretBasic, clientSecretPost, FlowManager, presets, privateKeyJwt } from '../../client/index.js';
import {
  type ClientAdapter,
  type ClientOutcome,
  type ConformanceReport,
  cases,
  commandAdapter,
  referenceClientAdapter,
  runConformance,
  summaryLine,
  toJson,
  toJUnit,
  toMarkdown,
} from '../../conformance/index.js';
import { APPLE_TEMPLATE, appleTemplates } from '../../fixtures/clients/flawed/apple-team.js';
import { FAST_ROTATION, fastReferenceClient } from '../../fixtures/clients/flawed/flawed-client.js';
import { loginProfileNames, UserAgent } from '../../mock-idp/index.js';
import { basicAuth } from '../helpers/http.js';
import { fixtureText, REDIRECT_URI, startTestIdp, useIdp } from '../helpers/idp.js';
import {
  codeFlow,
  codeRequestUrl,
  discover,
  discoveryDocument,
  rawAuthorization,
  rawCodeLogin,
  redeemCode,
} from '../helpers/login.js';

const idp = useIdp({ profiles: ['generic'] });

const referenceClient = fastReferenceClient();

/** openid-client 6 with its default options, the way its README uses it. */
const openidClientDefaults: ClientAdapter = {
  name: 'openid-client (defaults)',
  capabilities: ['issuer-url'],
  async run({ issuer, clientId, clientSecret, redirectUri, userAgent }) {
    const config = await discover(issuer, clientId, client.ClientSecretBasic(clientSecret));
    const { tokens } = await codeFlow(config, { scope: 'openid', agent: userAgent, redirectUri });
    const claims = tokens.claims()!;
    await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    return { ok: true, claims };
  },
};

const profileClientAuth = {
  'test-18fd1d5f-3d34-4b1c-a7c6-2b4f8c0e1a11': privateKeyJwt({
    pem: fixtureText('keys/clients/stitch-client-certificate.pem'),
  }),
  'okta-web': clientSecretBasic('okta-web-secret'),
  'auth0-web': clientSecretPost('auth0-web-secret'),
  ...appleTemplates(),
};

/** Apple's Services IDs hold the team key their secrets are signed with: each case's client copies the fixture's. */
const profileClientDefaults: Record<string, { template: string }> = { apple: { template: APPLE_TEMPLATE } };

const verdicts = (report: ConformanceReport) => Object.fromEntries(report.results.map((r) => [r.id, r.verdict]));

describe('the conformance kit', () => {
  it('certifies the reference client: every MUST and SHOULD case that applies passes', async () => {
    const report = await runConformance({ idp: idp(), adapter: referenceClient, ...FAST_ROTATION });
    const problems = report.results
      .filter((r) => r.verdict !== 'pass' && r.verdict !== 'skip')
      .map((r) => `${r.id}: ${r.reason}`);
    expect(problems).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.results).toHaveLength(cases.length);
    // Skipped only where the case is for another kind of client or another provider.
    const skipped = Object.fromEntries(report.results.filter((r) => r.verdict === 'skip').map((r) => [r.id, r.reason]));
    expect(Object.keys(skipped).sort()).toEqual(
      cases
        .filter((c) => c.requires?.includes('web') || c.requires?.includes('native') || c.profiles)
        .map((c) => c.id)
        .sort(),
    );
  });

  // Every profile a user logs in to: a new provider is certified by its line in profiles/index.ts.
  it.each(loginProfileNames().filter((p) => p !== 'generic'))(
    'certifies the reference client on the %s profile: the whole catalog, its own cases included',
    async (profile) => {
      const profiled = await startTestIdp({ profiles: [profile] });
      try {
        const report = await runConformance({
          idp: profiled,
          issuer: profile,
          adapter: fastReferenceClient({ templates: profileClientAuth }),
          ...(profileClientDefaults[profile] ? { clientDefaults: profileClientDefaults[profile] } : {}),
          ...FAST_ROTATION,
        });
        const problems = report.results
          .filter((r) => r.verdict === 'fail' || r.verdict === 'warn')
          .map((r) => `${r.id}: ${r.reason}`);
        expect(problems).toEqual([]);
        for (const c of cases.filter((x) => x.profiles?.includes(profile)))
          expect(verdicts(report)[c.id], c.id).toBe('pass');
        // Most of the generic catalog applies to every OpenID Connect profile; skips say why.
        if (profile !== 'stackexchange' && profile !== 'github')
          expect(report.summary.pass, profile).toBeGreaterThanOrEqual(75);
        const skipReasons = [
          'only for',
          'the client lacks',
          'an OpenID Connect case',
          'the issuer does not',
          "GitLab's ID tokens",
          // Google's keys are published ahead of use: its rotation cases do not apply.
          'Google publishes a key before it signs with it',
          'scenario "id-token-alg-unregistered" signs with a second algorithm',
          // Apple has no userinfo and no refresh token rotation: those cases have nothing to judge there.
          ...(profile === 'apple'
            ? [
                "Apple's refresh answers",
                'scenario "[a-z-]+" faults the userinfo answer',
                'the client never called userinfo',
                'the client never used an access token',
              ]
            : []),
        ];
        for (const r of report.results.filter((x) => x.verdict === 'skip'))
          expect(r.reason).toMatch(new RegExp(`^(${skipReasons.join('|')})`));
        // The kit sends logout tokens only as an issuer that says it sends them.
        // Plain OAuth 2 issuers answer their discovery path with a JSON 404, which names no such support.
        const sendsLogoutTokens =
          (await discoveryDocument(profiled.issuers[profile]!)).backchannel_logout_supported === true;
        const logoutCases = report.results.filter((r) => r.id.startsWith('backchannel-logout'));
        expect(logoutCases.length, profile).toBeGreaterThan(0);
        if (!sendsLogoutTokens)
          expect(
            logoutCases.filter((r) => r.verdict !== 'skip'),
            profile,
          ).toEqual([]);
      } finally {
        await profiled.close();
      }
    },
    180_000,
  );

  it(
    'runs the scenario of a multi-login case on an issuer instance of its own, and sees the ' + 'JWKS refetch',
    async () => {
      const report = await runConformance({
        idp: idp(),
        adapter: referenceClient,
        only: ['key-rotation-nth-login', 'jwks-refetch-limited'],
        ...FAST_ROTATION,
      });
      const rotation = report.results.find((r) => r.id === 'key-rotation-nth-login')!;
      expect(rotation.verdict).toBe('pass');
      expect(rotation.calls.filter((c) => c === 'jwks')).toHaveLength(2);
      expect(rotation.calls.filter((c) => c === 'authorization')).toHaveLength(2);
      expect(
        report.results.find((r) => r.id === 'jwks-refetch-limited')!.calls.filter((c) => c === 'jwks'),
      ).toHaveLength(2);
    },
  );

  it('finds what openid-client accepts by default, and nothing it must not', async () => {
    const report = await runConformance({ idp: idp(), adapter: openidClientDefaults });
    const v = verdicts(report);
    // Documented openid-client 6 behaviour: no signature check on token-endpoint ID tokens, no iat check.
    const reasons = Object.fromEntries(report.results.map((r) => [r.id, `${r.verdict}: ${r.reason}`]));
    // It verifies no signature at the token endpoint, as OIDC Core 3.1.3.7 (6) allows: a SHOULD for it, not a MUST.
    for (const id of ['id-token-signature-corrupt', 'id-token-unpublished-key']) {
      expect(`${id} ${v[id]}`, reasons[id]).toBe(`${id} warn`);
      expect(reasons[id]).toMatch(/\(SHOULD: it verifies no ID token signature at all/);
    }
    // Any iat is accepted: the range is the client's to choose (a MAY).
    expect(v['id-token-iat-future'], reasons['id-token-iat-future']).toBe('info');
    // It never fetches keys, so faults served on the JWKS never reach it, and need not.
    for (const id of ['jwks-use-enc', 'jwks-unavailable', 'jwks-kid-absent-single', 'key-rotation-nth-login']) {
      expect(`${id} ${v[id]}`, reasons[id]).toBe(`${id} skip`);
      expect(reasons[id]).toMatch(/fetched no keys in the run and rejected no forged signature/);
    }
    expect(v['discovery-issuer-mismatch'], reasons['discovery-issuer-mismatch']).toBe('pass');
    for (const id of [
      'happy-path',
      'id-token-aud-wrong',
      'id-token-iss-wrong',
      'id-token-nonce-wrong',
      'id-token-exp-past',
      'id-token-alg-none',
      'state-altered',
      'iss-param-wrong',
      'userinfo-sub-mismatch',
    ]) {
      expect(v[id], id).toBe('pass');
    }
  });

  it('catches a client that claims to keep its caches but fetches the JWKS on every login', async () => {
    const inner = referenceClientAdapter();
    // Its FlowManager (and JWKS cache) is dropped after each login.
    const forgetful: ClientAdapter = {
      ...inner,
      name: 'forgetful',
      async run(context) {
        const outcome = await inner.run(context);
        await inner.release!(context);
        return outcome;
      },
    };
    const report = await runConformance({
      idp: idp(),
      adapter: forgetful,
      only: ['jwks-cache-max-age', 'jwks-no-store'],
    });
    expect(verdicts(report)).toEqual({ 'jwks-cache-max-age': 'warn', 'jwks-no-store': 'pass' });
    expect(report.results[0]!.reason).toMatch(/fetched the JWKS 2 times within its max-age/);
  });

  it('fails a Stack Exchange client that percent-encodes the bearer token, or sends it in the query', async () => {
    const stackexchange = await startTestIdp({ profiles: ['stackexchange'] });
    try {
      const careless = (
        name: string,
        call: (issuer: string, token: string, key?: string) => Promise<Response>,
      ): ClientAdapter => ({
        name,
        async run(context) {
          const flows = new FlowManager(
            presets.stackexchange(context.issuer, {
              clientId: context.clientId,
              clientAuth: clientSecretPost(context.clientSecret),
              redirectUri: context.redirectUri,
            }),
          );
          const { url } = await context.userAgent.navigate(await flows.start('u'), {
            until: (u) => u.href.startsWith(context.redirectUri),
          });
          const { tokens } = await flows.finish('u', url);
          const me = await call(context.issuer, tokens.accessToken, context.applicationKey);
          return me.status === 200
            ? { ok: true }
            : { ok: false, code: `http-${me.status}`, message: 'the /2.3/me call failed' };
        },
      });
      const only = ['stackexchange-login', 'stackexchange-token-url-encoded'];
      const encoding = await runConformance({
        idp: stackexchange,
        issuer: 'stackexchange',
        adapter: careless('percent-encodes the bearer token', (issuer, token) =>
          fetch(`${issuer}/2.3/me?site=stackoverflow`, {
            headers: { authorization: `Bearer ${encodeURIComponent(token)}` },
          }),
        ),
        only,
      });
      // Its `*()` tokens pass encodeURIComponent unchanged; the scenario's `+ / =` do not.
      expect(verdicts(encoding)).toEqual({ 'stackexchange-login': 'pass', 'stackexchange-token-url-encoded': 'fail' });
      // %2B... is a token no client holds, so the call is not even this client's.
      expect(encoding.results[1]!.reason).toMatch(/http-400/);
      expect(encoding.results[1]!.calls).toEqual(['authorization', 'token']);
      const pre2026 = await runConformance({
        idp: stackexchange,
        issuer: 'stackexchange',
        adapter: careless('sends key and access_token in the query', (issuer, token, key) =>
          fetch(
            `${issuer}/2.3/me?${new URLSearchParams({ site: 'stackoverflow', key: key ?? '', access_token: token })}`,
          ),
        ),
        only,
      });
      expect(verdicts(pre2026)).toEqual({ 'stackexchange-login': 'fail', 'stackexchange-token-url-encoded': 'fail' });
      const reference = await runConformance({
        idp: stackexchange,
        issuer: 'stackexchange',
        adapter: referenceClient,
        only,
      });
      expect(verdicts(reference)).toEqual({ 'stackexchange-login': 'pass', 'stackexchange-token-url-encoded': 'pass' });
      expect(reference.results[1]!.calls).toEqual(['authorization', 'token', 'stackexchange_me']);
    } finally {
      await stackexchange.close();
    }
  });

  it('judges a careless client by what the IdP saw it do', async () => {
    // Sends a state (its only CSRF defence: no PKCE, no nonce) and never checks it; redeems whatever code it gets.
    const careless: ClientAdapter = {
      name: 'careless',
      async run({ issuer, clientId, clientSecret, redirectUri }) {
        const url = codeRequestUrl(issuer, { client_id: clientId, redirect_uri: redirectUri, state: 'never-checked' });
        const { url: callback } = await new UserAgent().navigate(url, { until: (u) => u.href.startsWith(redirectUri) });
        if (callback.searchParams.get('error')) return { ok: false, message: 'authorization error' };
        const token = await redeemCode(`${issuer}/token`, { clientId, clientSecret, redirectUri, callback });
        return token.ok ? { ok: true } : { ok: false, message: `token endpoint answered ${token.status}` };
      },
    };
    const report = await runConformance({
      idp: idp(),
      adapter: careless,
      only: ['happy-path', 'state-altered', 'authorization-error'],
    });
    expect(verdicts(report)).toEqual({ 'happy-path': 'pass', 'state-altered': 'fail', 'authorization-error': 'pass' });
    expect(report.passed).toBe(false);
  });

  it('holds a public client to PKCE as a MUST, even when it posts an empty client_secret', async () => {
    const emptySecret: ClientAdapter = {
      name: 'public, empty secret',
      registration: { tokenEndpointAuthMethod: 'none' },
      async run({ issuer, clientId, redirectUri }) {
        const url = codeRequestUrl(issuer, { client_id: clientId, redirect_uri: redirectUri, state: 'one-time' });
        const { url: callback } = await new UserAgent().navigate(url, { until: (u) => u.href.startsWith(redirectUri) });
        const token = await fetch(`${issuer}/token`, {
          method: 'POST',
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            code: callback.searchParams.get('code') ?? '',
            redirect_uri: redirectUri,
            client_id: clientId,
            client_secret: '',
          }),
        });
        return token.ok ? { ok: true } : { ok: false, message: `token endpoint answered ${token.status}` };
      },
    };
    const report = await runConformance({ idp: idp(), adapter: emptySecret, only: ['pkce-s256'] });
    const [pkce] = report.results;
    // The issuer refuses its code without a verifier; the credentials it tried make it no confidential client.
    expect(`${pkce?.verdict} ${pkce?.level}`, pkce?.reason).toBe('fail MUST');
  });

  it('lets only a case that expects either answer take "no login at all" as one', () => {
    const optional = cases.filter((c) => c.loginOptional);
    expect(optional.map((c) => c.id)).toEqual([
      'third-party-login-target-link-foreign',
      'third-party-login-iss-foreign',
    ]);
    for (const c of optional) expect(c.expect, c.id).toBe('either');
  });

  it('passes no case of a client that reports logins the issuer never saw', async () => {
    const idle: ClientAdapter = { name: 'says yes', capabilities: ['issuer-url'], run: async () => ({ ok: true }) };
    const report = await runConformance({ idp: idp(), adapter: idle });
    expect(report.results.filter((r) => r.verdict === 'pass').map((r) => r.id)).toEqual([]);
    expect(report.passed).toBe(false);
    const happy = report.results.find((r) => r.id === 'happy-path')!;
    expect(happy.verdict).toBe('not-delivered');
    expect(happy.reason).toBe('the client reported a login, but made no authorization request to the issuer');
    // Nor where starting no login can be the answer (a third party's suspect request): nothing shows it can start one.
    const idleEndpoint: ClientAdapter = { ...idle, capabilities: ['issuer-url', 'third-party-login'] };
    const thirdParty = await runConformance({
      idp: idp(),
      adapter: idleEndpoint,
      only: cases.filter((c) => c.area === 'third-party-login').map((c) => c.id),
    });
    expect(thirdParty.results.filter((r) => r.verdict === 'pass').map((r) => r.id)).toEqual([]);
    // The same from a command that exits 0 at once.
    const command = await runConformance({
      idp: idp(),
      adapter: commandAdapter({ command: 'true' }),
      only: ['happy-path', 'pkce-s256', 'csrf-protection', 'native-loopback-redirect'],
    });
    expect(command.results.map((r) => r.verdict)).toEqual(Array(4).fill('not-delivered'));
  });

  it('skips the HS256 case for a public client, which has no secret to key it with', async () => {
    const report = await runConformance({
      idp: idp(),
      adapter: commandAdapter({ command: 'true' }),
      only: ['id-token-bad-sig-hs256'],
    });
    expect(report.results[0]).toMatchObject({
      verdict: 'skip',
      reason: 'a public client has no client secret to key an HS256 ID token with',
    });
    expect(summaryLine(report)).toMatch(/^1 case in \d+\.\d s: 0 pass, 0 fail, 0 warn, 0 info, 1 skip, /);
  });

  it('warns a client that crashes where it may reject; names the tolerance a clock case was judged by', async () => {
    // Logs in and redeems the code, then answers as a web app whose callback threw: a 500.
    const crashing: ClientAdapter = {
      name: 'crashes after every token response',
      capabilities: ['issuer-url'],
      async run(context) {
        await rawCodeLogin(context);
        return { ok: false, status: 500, code: 'http-500', message: 'Internal Server Error' };
      },
    };
    const only = ['id-token-kid-missing', 'id-token-exp-inside-skew'];
    const crashes = await runConformance({ idp: idp(), adapter: crashing, only });
    const reason = 'a server error (HTTP 500) instead of a clean rejection: (http-500) Internal Server Error';
    // A SHOULD case warns; on a MAY case a crash is no worse than a miss.
    expect(crashes.results.map((r) => [r.id, r.verdict, r.reason])).toEqual([
      ['id-token-exp-inside-skew', 'info', reason],
      ['id-token-kid-missing', 'warn', reason],
    ]);

    const trusting: ClientAdapter = {
      name: 'takes any ID token',
      capabilities: ['issuer-url'],
      async run(context) {
        await rawCodeLogin(context);
        return { ok: true };
      },
    };
    const skewed = ['id-token-exp-outside-skew'];
    const [judged] = (await runConformance({ idp: idp(), adapter: trusting, only: skewed })).results;
    expect(judged).toMatchObject({ verdict: 'warn', reason: expect.stringContaining('120 s off') });
    expect(judged!.reason).toContain('beyond the declared clock tolerance of 60 s');
    // Declared with the client's own leeway (Authlib's is 120 s), the same answer is within it.
    const [declared] = (
      await runConformance({ idp: idp(), adapter: trusting, only: skewed, clockToleranceSeconds: 120 })
    ).results;
    expect(declared).toMatchObject({ verdict: 'skip', reason: expect.stringContaining('declared clock tolerance') });
  });

  it('fails a state that repeats where it is the only CSRF defence, and skips the replay case for it', async () => {
    // Sends the same state on every login, as apps that carry a return path in it do; checks it comes back.
    const stateOnly = (pkce: boolean, state = () => 'return-to-home'): ClientAdapter => ({
      name: `state ${state()}${pkce ? ', with PKCE' : ''}`,
      capabilities: ['issuer-url'],
      async run(context) {
        const sent = state();
        const { callback, verifier, tokenEndpoint } = await rawAuthorization(context, { state: sent, pkce });
        if (callback.searchParams.get('state') !== sent) return { ok: false, message: 'state mismatch' };
        const token = await redeemCode(tokenEndpoint, { ...context, callback, ...(verifier ? { verifier } : {}) });
        return token.ok ? { ok: true } : { ok: false, message: `the token endpoint answered ${token.status}` };
      },
    });
    // happy-path too: a fixed client's first case shares its login with the baseline, which must count once.
    const only = ['happy-path', 'csrf-protection', 'state-altered', 'state-replayed'];
    const alone = await runConformance({ idp: idp(), adapter: stateOnly(false), only });
    expect(verdicts(alone)).toEqual({
      'happy-path': 'pass',
      'csrf-protection': 'fail',
      'state-altered': 'pass',
      'state-replayed': 'fail',
    });
    const [, csrf, , replayed] = alone.results;
    expect(csrf!.reason).toBe(
      'completed, but it sent the state "return-to-home" in more than one login, with neither PKCE nor a nonce: a ' +
        'state that repeats ties no response to this browser (RFC 6749 10.12: a non-guessable value)',
    );
    // Its only defence: the replay case fails it too, on its own, without the run's other logins.
    expect(replayed!.reason).toMatch(/^it sent the same state in both logins, with neither PKCE nor a nonce/);
    const replayOnly = await runConformance({ idp: idp(), adapter: stateOnly(false), only: ['state-replayed'] });
    expect(verdicts(replayOnly)).toEqual({ 'state-replayed': 'fail' });
    // With PKCE, RFC 9700 2.1 lets state carry the app's own data: nothing fails, and the replay still proves nothing.
    const withPkce = await runConformance({ idp: idp(), adapter: stateOnly(true), only });
    expect(verdicts(withPkce)).toEqual({
      'happy-path': 'pass',
      'csrf-protection': 'pass',
      'state-altered': 'pass',
      'state-replayed': 'skip',
    });
    // A fresh state each login passes, also as a fixed client, whose baseline login is its first case's too.
    const fresh = stateOnly(false, () => randomBytes(16).toString('hex'));
    const fixed = { clientId: 'kit-fixed-state-only', clientSecret: 'kit-fixed-secret', redirectUris: [REDIRECT_URI] };
    const both = [
      await runConformance({ idp: idp(), adapter: fresh, only }),
      await runConformance({ idp: idp(), adapter: fresh, only, client: fixed }),
    ];
    for (const report of both)
      expect(verdicts(report)).toEqual({
        'happy-path': 'pass',
        'csrf-protection': 'pass',
        'state-altered': 'pass',
        'state-replayed': 'pass',
      });
  });

  it("fails a nonce checked against every pending login's, passes one bound to its login", async () => {
    // Keeps the nonces of the logins it started in one table for the whole app, as python-social-auth's OpenID
    // Connect backend does, and takes an ID token whose nonce is any of them.
    const nonceClient = (
      name: string,
      check: 'own' | 'any-pending',
      nonce = () => randomBytes(16).toString('hex'),
      pkce = true,
    ) => {
      const pending = new Set<string>();
      const adapter: ClientAdapter = {
        name,
        capabilities: ['issuer-url'],
        async run(context) {
          const sent = nonce();
          pending.add(sent);
          const { callback, verifier, tokenEndpoint } = await rawAuthorization(context, { nonce: sent, pkce });
          if (!callback.searchParams.has('code'))
            return { ok: false, message: `${callback.searchParams.get('error')}` };
          const token = await redeemCode(tokenEndpoint, { ...context, callback, ...(verifier ? { verifier } : {}) });
          const { id_token: idToken } = (await token.json()) as { id_token: string };
          const got = String(decodeJwt(idToken).nonce);
          const taken = check === 'own' ? got === sent : pending.has(got);
          pending.delete(got);
          return taken ? { ok: true } : { ok: false, message: 'the nonce is not one this app sent' };
        },
      };
      return adapter;
    };
    const only = ['id-token-nonce-wrong', 'id-token-nonce-other-login'];
    const appWide = await runConformance({ idp: idp(), adapter: nonceClient('app-wide nonces', 'any-pending'), only });
    expect(verdicts(appWide)).toEqual({ 'id-token-nonce-wrong': 'pass', 'id-token-nonce-other-login': 'fail' });
    expect(appWide.results[1]!.reason).toBe('accepted a response it must reject');
    const bound = await runConformance({ idp: idp(), adapter: nonceClient('bound nonce', 'own'), only });
    expect(verdicts(bound)).toEqual({ 'id-token-nonce-wrong': 'pass', 'id-token-nonce-other-login': 'pass' });
    // The same nonce in every login: with PKCE an injected code is refused anyway, so the case says nothing; without
    // it, the constant nonce is the flaw.
    const constant = (pkce: boolean) =>
      runConformance({
        idp: idp(),
        adapter: nonceClient(`constant nonce${pkce ? ', PKCE' : ''}`, 'own', () => 'the-same-nonce', pkce),
        only: ['id-token-nonce-other-login'],
      });
    expect((await constant(true)).results.map((r) => [r.verdict, r.reason])).toEqual([
      [
        'skip',
        "the client sent the same nonce in both logins, so another login's nonce is the one it sent; PKCE protects " +
          'it from a code injected from another login (code-injection-nonce-or-pkce)',
      ],
    ]);
    const [unprotected] = (await constant(false)).results;
    expect(unprotected).toMatchObject({ verdict: 'fail' });
    expect(unprotected!.reason).toMatch(/^it sent the same nonce in both logins, without PKCE/);
  });

  it('judges a PAR login on its pushed request, and counts it once where the front channel repeats state', async () => {
    // RFC 9126: PKCE and state go in the pushed request; RFC 9101 5 lets the front channel repeat parameters.
    const pushing = (newState: () => string, repeat: boolean): ClientAdapter => ({
      name: `PAR${repeat ? ', state repeated in the front channel' : ''}`,
      capabilities: ['issuer-url'],
      async run({ issuer, clientId, clientSecret, redirectUri, userAgent }) {
        const metadata = await discoveryDocument(issuer);
        const verifier = randomBytes(32).toString('base64url');
        const state = newState();
        const pushed = await fetch(String(metadata.pushed_authorization_request_endpoint), {
          method: 'POST',
          headers: { authorization: basicAuth(clientId, clientSecret) },
          body: new URLSearchParams({
            client_id: clientId,
            response_type: 'code',
            scope: 'openid',
            redirect_uri: redirectUri,
            state,
            code_challenge: createHash('sha256').update(verifier).digest('base64url'),
            code_challenge_method: 'S256',
          }),
        });
        const { request_uri } = (await pushed.json()) as { request_uri: string };
        const url = new URL(String(metadata.authorization_endpoint));
        url.search = new URLSearchParams({ client_id: clientId, request_uri, ...(repeat ? { state } : {}) }).toString();
        const { url: callback } = await userAgent.navigate(url, { until: (u) => u.href.startsWith(redirectUri) });
        if (callback.searchParams.get('state') !== state) return { ok: false, message: 'state mismatch' };
        const redemption = { clientId, clientSecret, redirectUri, callback, verifier };
        const token = await redeemCode(String(metadata.token_endpoint), redemption);
        return token.ok ? { ok: true } : { ok: false, message: `the token endpoint answered ${token.status}` };
      },
    });
    const only = ['happy-path', 'pkce-s256', 'csrf-protection', 'code-injection-nonce-or-pkce', 'state-replayed'];
    const all = (verdict: string) => Object.fromEntries(only.map((id) => [id, verdict]));
    const why = (report: ConformanceReport) => report.results.map((r) => `${r.id}: ${r.reason}`).join('\n');
    const fresh = () => randomBytes(16).toString('hex');
    for (const repeat of [false, true]) {
      const report = await runConformance({ idp: idp(), adapter: pushing(fresh, repeat), only });
      expect(verdicts(report), why(report)).toEqual(all('pass'));
    }
    // The same state every login, with PKCE in the pushed request: the front channel's bare copy is not a login.
    const constant = await runConformance({ idp: idp(), adapter: pushing(() => 'return-to-home', true), only });
    expect(verdicts(constant), why(constant)).toEqual({ ...all('pass'), 'state-replayed': 'skip' });
  });

  it("judges a reader of Google's PEM certificates as verifying signatures, but not as reading the JWKS", async () => {
    // google-auth-library's way in Node: the keys as { kid: certificate } from /oauth2/v1/certs, never the JWKS.
    const pemReader: ClientAdapter = {
      name: 'reads the PEM certificates, takes any crit',
      capabilities: ['issuer-url'],
      async run(context) {
        const { token } = await rawCodeLogin(context);
        const { id_token } = (await token.json()) as { id_token: string };
        const certificates = (await (await fetch(`${context.issuer}/oauth2/v1/certs`)).json()) as Record<
          string,
          string
        >;
        const pem = certificates[decodeProtectedHeader(id_token).kid ?? ''];
        if (!pem) return { ok: false, message: 'no certificate for its kid' };
        try {
          const crit = { 'urn:example:unknown': true };
          const { payload } = await jwtVerify(id_token, await importX509(pem, 'RS256'), { crit });
          return { ok: true, claims: payload };
        } catch (error) {
          return { ok: false, message: String(error) };
        }
      },
    };
    const google = await startTestIdp({ profiles: ['google'] });
    try {
      const only = ['id-token-signature-corrupt', 'id-token-crit-unknown', 'jwks-unavailable', 'discovery-jwks-uri'];
      const report = await runConformance({ idp: google, issuer: 'google', adapter: pemReader, only });
      expect(report.results.map((r) => [r.id, r.verdict, r.level])).toEqual([
        ['id-token-signature-corrupt', 'pass', 'MUST'],
        // It verifies signatures, so the TLS relaxation is not its: a MUST failure, not a SHOULD warning.
        ['id-token-crit-unknown', 'fail', 'MUST'],
        ['jwks-unavailable', 'skip', 'MUST'],
        ['discovery-jwks-uri', 'skip', 'MUST'],
      ]);
      for (const r of report.results.filter((x) => x.verdict === 'skip'))
        expect(r.reason).toMatch(/^the client read the issuer's JWKS in no case of the run \(it reads the keys in/);
    } finally {
      await google.close();
    }
  });

  it('passes a client that trusts TLS without keys, checking claims; skips one taking expired tokens', async () => {
    const keyless = (flaws: Flaw[]) =>
      referenceClientAdapter({ name: flaws.join(', '), flowOptions: { [FLAWS]: new Set(flaws) } });
    const only = ['id-token-exp-past', 'jwks-unavailable', 'jwks-forbidden'];
    const judged = async (flaws: Flaw[], cases = only) =>
      Object.fromEntries(
        (await runConformance({ idp: idp(), adapter: keyless(flaws), only: cases })).results.map((r) => [
          r.id,
          [r.verdict, r.reason],
        ]),
      );
    // OIDC Core 3.1.3.7 (6): over TLS from the token endpoint the signature may go unchecked, the claims may not.
    const tls = await judged(['tls-without-keys']);
    expect(Object.values(tls).map(([verdict]) => verdict)).toEqual(['pass', 'pass', 'pass']);
    // Refused for its exp, with no keys: not failed closed, which the reference client alone does.
    for (const id of ['jwks-unavailable', 'jwks-forbidden']) expect(tls[id]?.[1]).toMatch(/id_token_expired/);
    // Nothing checked without keys: the expired token is taken.
    const unchecked = await judged(['no-checks-without-keys']);
    expect(unchecked['jwks-forbidden']).toEqual(['fail', expect.stringMatching(/^accepted a response it must reject/)]);
    // Refusing the expired token with a crash (500) shows the check as well as a clean refusal does.
    const crashing = keyless(['no-checks-without-keys']);
    const crashy: ClientAdapter = {
      ...crashing,
      run: async (context) => {
        const outcome = await crashing.run(context);
        return outcome.ok ? outcome : { ok: false, status: 500, message: `500: ${outcome.message}` };
      },
    };
    const crashed = Object.fromEntries(
      (await runConformance({ idp: idp(), adapter: crashy, only })).results.map((r) => [r.id, r.verdict]),
    );
    expect(crashed).toMatchObject({ 'id-token-exp-past': 'warn', 'jwks-forbidden': 'fail' });
    // A client that takes expired tokens with its keys too shows nothing by taking this one.
    const timeless = await judged(['no-checks-without-keys', 'no-time-checks']);
    expect(timeless['id-token-exp-past']?.[0]).toBe('fail');
    expect(timeless['jwks-forbidden']).toEqual([
      'skip',
      expect.stringMatching(/^the client did not refuse an ID token/),
    ]);
    // Selected alone, the case still knows: the kit runs id-token-exp-past unreported.
    const alone = await judged(['no-checks-without-keys', 'no-time-checks'], ['jwks-forbidden']);
    expect(alone).toEqual({ 'jwks-forbidden': ['skip', expect.stringMatching(/^the client did not refuse/)] });
  });

  it('fails a client that fails the valid login before the fault, not calling the fault undelivered', async () => {
    // It logs in with state, redeems the code, then rejects every login: a valid one too.
    const rejectsAll: ClientAdapter = {
      name: 'rejects every login',
      capabilities: ['issuer-url'],
      async run(context) {
        const state = randomBytes(8).toString('hex');
        const { callback, tokenEndpoint } = await rawAuthorization(context, { state, pkce: false });
        await redeemCode(tokenEndpoint, { ...context, callback });
        return { ok: false, message: 'every ID token is refused' };
      },
    };
    const report = await runConformance({ idp: idp(), adapter: rejectsAll, only: ['happy-path', 'state-replayed'] });
    expect(report.results.map((r) => [r.id, r.verdict, r.reason])).toEqual([
      ['happy-path', 'fail', 'failed a valid flow: every ID token is refused'],
      ['state-replayed', 'fail', 'step 1 (login), before the fault, failed: every ID token is refused'],
    ]);
  });

  it('calls an answer it could not read "not delivered", also where the client may skip the call', async () => {
    // It logs in and redeems the code, never calls userinfo, and then answers as told: an unreadable page (a crash), or
    // an error. It asks for no claim scope, which scope-userinfo-claims wants of a client that calls userinfo.
    const answering = (answer: ClientOutcome): ClientAdapter => ({
      name: 'answers as told',
      capabilities: ['issuer-url'],
      async run(context) {
        const state = randomBytes(8).toString('hex');
        const { callback, verifier, tokenEndpoint } = await rawAuthorization(context, { state, pkce: true });
        await redeemCode(tokenEndpoint, { ...context, callback, ...(verifier ? { verifier } : {}) });
        return context.caseId === 'happy-path' ? { ok: true } : answer;
      },
    });
    const judged = async (answer: ClientOutcome, only: string[]) => {
      const report = await runConformance({ idp: idp(), adapter: answering(answer), only });
      return Object.fromEntries(report.results.map((r) => [r.id, [r.verdict, r.reason]]));
    };
    // Unread, each might have been a success (a skip where it never called userinfo) or a failure: unknown.
    const unknown = ['not-delivered', "the client's answer is unknown: (unreadable) the page crashed"];
    const crashed = { ok: false, code: 'unreadable', message: 'the page crashed' } as const;
    expect(
      await judged(crashed, ['happy-path', 'userinfo-bearer', 'scope-userinfo-claims', 'id-token-aud-wrong']),
    ).toEqual({
      'happy-path': ['pass', expect.any(String)],
      'userinfo-bearer': unknown,
      'scope-userinfo-claims': unknown,
      'id-token-aud-wrong': unknown,
    });
    // A failure it gave is one before the call: a miss, whose reason names what its requests showed first.
    expect(await judged({ ok: false, message: 'no page' }, ['happy-path', 'scope-userinfo-claims'])).toEqual({
      'happy-path': ['pass', expect.any(String)],
      'scope-userinfo-claims': [
        'warn',
        'asked for scope "openid": none of profile, email, address, phone; failed before calling userinfo: no page',
      ],
    });
  });

  it('fails a client that reports a login without redeeming the code', async () => {
    const halfway: ClientAdapter = {
      name: 'stops at the callback',
      async run({ issuer, clientId, redirectUri, userAgent }) {
        const url = codeRequestUrl(issuer, { client_id: clientId, redirect_uri: redirectUri, state: 'kept' });
        await userAgent.navigate(url, { until: (u) => u.href.startsWith(redirectUri) });
        return { ok: true };
      },
    };
    const report = await runConformance({ idp: idp(), adapter: halfway, only: ['happy-path'] });
    expect(report.results[0]).toMatchObject({
      verdict: 'fail',
      reason: 'reported a login, but never redeemed the authorization code at the token endpoint',
    });
  });

  it('writes JSON, JUnit XML and Markdown reports', async () => {
    const report = await runConformance({
      idp: idp(),
      adapter: openidClientDefaults,
      only: ['happy-path', 'id-token-signature-corrupt', 'id-token-aud-wrong'],
    });
    expect(JSON.parse(toJson(report))).toMatchObject({
      client: 'openid-client (defaults)',
      summary: { pass: 2, warn: 1 },
    });
    const junit = toJUnit(report);
    expect(junit).toContain('<testsuites name="mock-idp conformance" tests="3" failures="0"');
    expect(junit).toMatch(
      /<testcase [^>]*name="id-token-signature-corrupt: [^"]*"[^>]*><skipped message="warn: accepted/,
    );
    const markdown = toMarkdown(report);
    expect(markdown).toContain('| warn | SHOULD | `id-token-signature-corrupt` |');
    await expect(runConformance({ idp: idp(), adapter: openidClientDefaults, only: ['nope'] })).rejects.toThrow(
      /unknown case/,
    );
  });
});
