import * as client from 'openid-client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startExampleApp } from '../../client/examples/web-app.js';
import { type ClientAdapter, type ConformanceReport, runConformance, webAppAdapter } from '../../conformance/index.js';
import { fastReferenceClient } from '../../fixtures/clients/flawed/flawed-client.js';
import { useIdp } from '../helpers/idp.js';
import { codeFlow, discover } from '../helpers/login.js';

const idp = useIdp({ profiles: ['generic', 'auth0'] });

const THIRD_PARTY = [
  'third-party-login',
  'third-party-login-hint',
  'third-party-login-target-link-foreign',
  'third-party-login-iss-foreign',
];

const verdicts = (report: ConformanceReport) =>
  Object.fromEntries(report.results.map((r) => [r.id, `${r.verdict}: ${r.reason}`]));

const run = (adapter: ClientAdapter, only = THIRD_PARTY, issuer = 'generic') =>
  runConformance({ idp: idp(), issuer, adapter, only, jwksRefetchIntervalMs: 0 });

/** The foreign issuer's URL as the kit makes it: a fault-free scenario issuer instance of the case's own. */
const FOREIGN = String.raw`http://127\.0\.0\.1:\d+/generic/s/no-fault~[0-9a-f]{10}`;

const APP_CLIENT = { clientId: 'example-app', clientSecret: 'example-app-secret-0123456789' };

/** The example web app on the generic issuer, closed when the test ends. */
async function exampleApp() {
  const app = await startExampleApp({ issuer: idp().issuers.generic!, ...APP_CLIENT, port: 0 });
  onTestFinished(() => app.close());
  return app;
}

interface Initiation {
  /**
   * 'configured': refuses any iss but its issuer (default); 'any': discovers whatever iss names and logs in there;
   * 'none': refuses every request, as an app comparing iss with its issuer written another way would.
   */
  trust?: 'configured' | 'any' | 'none';
  /** Passes login_hint on (default). */
  forwardHint?: boolean;
  /** 'own': a target_link_uri of the redirect URI's origin only (default); 'any': whatever was sent. */
  target?: 'own' | 'any';
}

/**
 * A login initiation endpoint written with openid-client 6, as its README builds a login: discovery, then
 * buildAuthorizationUrl with the login_hint; the options make it each kind of endpoint an app might have.
 */
function openidClient(options: Initiation = {}): ClientAdapter {
  return {
    name: 'openid-client 6',
    capabilities: ['third-party-login'],
    async run({ issuer, clientId, clientSecret, redirectUri, userAgent, thirdPartyLogin }) {
      const request = new URLSearchParams(thirdPartyLogin);
      const iss = request.get('iss') ?? issuer;
      if ((iss !== issuer && options.trust !== 'any') || options.trust === 'none')
        return { ok: false, code: 'unknown-issuer', message: `no login at ${iss}: not this app's issuer` };
      const config = await discover(iss, clientId, client.ClientSecretBasic(clientSecret));
      const hint = options.forwardHint === false ? undefined : request.get('login_hint');
      await codeFlow(config, { scope: 'openid', agent: userAgent, redirectUri, ...(hint ? { loginHint: hint } : {}) });
      const target = request.get('target_link_uri');
      const followed = target && (options.target === 'any' || new URL(target).origin === new URL(redirectUri).origin);
      return { ok: true, ...(followed ? { finalUrl: target } : {}) };
    },
  };
}

describe('third-party-initiated login cases (OIDC Core 4)', () => {
  it('pass the reference client, which refuses an issuer it does not log in at', async () => {
    const report = await run(fastReferenceClient());
    const v = verdicts(report);
    expect(v).toMatchObject({
      'third-party-login': 'pass: completed the flow',
      'third-party-login-hint': 'pass: what it sent the issuer meets the rule',
      'third-party-login-target-link-foreign': 'pass: completed the flow',
    });
    expect(v['third-party-login-iss-foreign']).toMatch(
      new RegExp(
        `^pass: rejected \\(allowed\\): \\(initiate_login_iss_unknown\\) the login initiation request names issuer ` +
          `${FOREIGN}, which this client does not log in at$`,
      ),
    );
    // It was sent the default user's sub, and the login it started carried it.
    const hinted = report.results.find((r) => r.id === 'third-party-login-hint')!;
    expect(hinted.calls).toContain('authorization');
  });

  it("pass openid-client 6 with the initiation endpoint done right, on Auth0's trailing-slash issuer too", async () => {
    for (const issuer of ['generic', 'auth0']) {
      const report = await run(openidClient(), THIRD_PARTY, issuer);
      expect(
        report.results.map((r) => [r.id, r.verdict]),
        issuer,
      ).toEqual([
        ['third-party-login', 'pass'],
        ['third-party-login-hint', 'pass'],
        ['third-party-login-target-link-foreign', 'pass'],
        ['third-party-login-iss-foreign', 'pass'],
      ]);
    }
  });

  it('fail a client that drops the login_hint, in its own case only', async () => {
    const v = verdicts(await run(openidClient({ forwardHint: false })));
    expect(v['third-party-login-hint']).toBe('fail: left out the login_hint "alice" the third party sent');
    expect(Object.values(v).filter((x) => !x.startsWith('pass'))).toHaveLength(1);
  });

  it('fail a client that sends the user to any target_link_uri', async () => {
    const v = verdicts(await run(openidClient({ target: 'any' })));
    expect(v['third-party-login-target-link-foreign']).toBe(
      'fail: completed, but redirected the browser to https://attacker.example/landing',
    );
    expect(Object.values(v).filter((x) => !x.startsWith('pass'))).toHaveLength(1);
  });

  it('warn a client that discovers whatever issuer the link names and logs in there, even run on its own', async () => {
    for (const only of [THIRD_PARTY, ['third-party-login-iss-foreign']]) {
      const v = verdicts(await run(openidClient({ trust: 'any' }), only));
      expect(v['third-party-login-iss-foreign']).toMatch(
        new RegExp(`^warn: accepted, but started a login at ${FOREIGN}, the issuer the third party named$`),
      );
      expect(Object.values(v).filter((x) => !x.startsWith('pass'))).toHaveLength(1);
    }
  });

  it('call an initiation path the app lacks not delivered, and fail one that refuses a valid request', async () => {
    const app = await exampleApp();
    const report = await runConformance({
      idp: idp(),
      only: THIRD_PARTY,
      adapter: webAppAdapter({ url: app.url, whoami: '/me', initiateLoginPath: '/sso/start' }),
      client: { ...APP_CLIENT, redirectUris: [`${app.url}/callback`] },
    });
    const unknown =
      'not-delivered: (action-refused) the app answered GET /sso/start with 404: "Not found"; check the login ' +
      'initiation path (initiateLoginPath)';
    expect(verdicts(report)).toEqual({
      'third-party-login': unknown,
      'third-party-login-hint': unknown,
      'third-party-login-target-link-foreign': unknown,
      'third-party-login-iss-foreign':
        "skip: a third party's request never made the client start a login in the run (third-party-login says " +
        'why), so its refusal of this one proves nothing',
    });
    // It has the endpoint, and refuses the issuer's own request: its failure is a miss, judged once.
    const refusing = verdicts(await run(openidClient({ trust: 'none' })));
    expect(refusing['third-party-login']).toMatch(
      /^fail: failed a valid flow: \(unknown-issuer\) no login at http:\/\/127\.0\.0\.1:\d+\/generic: /,
    );
    expect(refusing['third-party-login-hint']).toMatch(
      /^skip: nothing to judge: the client made no authorization request; it said \(unknown-issuer\) no login at /,
    );
    expect(refusing['third-party-login-iss-foreign']).toMatch(/^skip: a third party's request never made the client/);
  });

  it('skip every case for a client without a login initiation endpoint, saying so', async () => {
    const app = await exampleApp();
    const report = await runConformance({
      idp: idp(),
      only: THIRD_PARTY,
      adapter: webAppAdapter({ url: app.url, whoami: '/me' }),
      client: { ...APP_CLIENT, redirectUris: [`${app.url}/callback`] },
    });
    for (const result of report.results) expect(result.reason, result.id).toBe('the client lacks: third-party-login');
  });
});
