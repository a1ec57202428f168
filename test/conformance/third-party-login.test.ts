import * as client from 'openid-client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startExampleApp } from '../../client/examples/web-app.js';
import {
  type ClientAdapter,
  type ConformanceReport,
  commandAdapter,
  runConformance,
  type WebAppAdapterOptions,
  webAppAdapter,
} from '../../conformance/index.js';
import { startTestWebApp } from '../../fixtures/apps/reference-web-app.js';
import { fastReferenceClient } from '../../fixtures/clients/flawed/flawed-client.js';
import { startTestIdp, useIdp } from '../helpers/idp.js';
import { codeFlow, discover } from '../helpers/login.js';

const idp = useIdp({ profiles: ['generic', 'auth0', 'entra'] });

const THIRD_PARTY = [
  'third-party-login',
  'third-party-login-post',
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

/** The cases that did not pass, skips apart. */
const misses = (v: Record<string, string>) =>
  Object.entries(v)
    .filter(([, verdict]) => !/^(pass|skip)/.test(verdict))
    .map(([id]) => id);

const APP_CLIENT = { clientId: 'example-app', clientSecret: 'example-app-secret-0123456789' };

/** The example web app on the generic issuer, closed when the test ends. */
async function exampleApp() {
  const app = await startExampleApp({ issuer: idp().issuers.generic!, ...APP_CLIENT, port: 0 });
  onTestFinished(() => app.close());
  return app;
}

interface Behaviour {
  /** The status of the answer to an iss other than the app's issuer (default 400). */
  foreignIssuer?: number;
  /** 'straight-on': a target_link_uri sends the browser there at once, before any login. */
  target?: 'straight-on';
  /** The status of the answer to a request with the issuer's own iss and no target (default: a login). */
  plain?: number;
  /** The status of the answer to a posted form (default: a login). */
  post?: number;
  /** The status of the answer to a request carrying login_hint (default: a login). */
  hinted?: number;
  /** The initiation path shows a page whose button starts the login. */
  confirm?: boolean;
}

/** A web app on the reference client whose login initiation endpoint answers as `behaviour` says (changeable). */
async function initiationApp(initial: Behaviour) {
  const issuer = idp().issuers.generic!;
  const behaviour = { ...initial };
  const refuse = (ctx: { status: number; body: unknown }, status: number, body: string) => {
    ctx.status = status;
    ctx.body = body;
  };
  const app = await startTestWebApp({ issuer, ...APP_CLIENT }, 'initiation', async (request) => {
    const { ctx, session, setCookies, url } = request;
    if (ctx.path === '/login/initiate') {
      const { params } = await request.parameters();
      if (ctx.method === 'POST' && behaviour.post) return refuse(ctx, behaviour.post, 'Not Found');
      if (params.get('iss') !== issuer)
        return refuse(ctx, behaviour.foreignIssuer ?? 400, `unknown issuer ${params.get('iss')}`);
      const target = params.get('target_link_uri');
      if (target && behaviour.target === 'straight-on') return ctx.redirect(target); // the flaw: before any login
      if (params.has('login_hint') && behaviour.hinted) return refuse(ctx, behaviour.hinted, 'no hints here');
      if (!target && behaviour.plain) return refuse(ctx, behaviour.plain, 'it broke');
      if (behaviour.confirm) {
        ctx.body =
          `<h1>Sign in</h1><form method="post" action="/login/confirm">` +
          `<input type="hidden" name="q" value="${encodeURIComponent(params.toString())}">` +
          '<button>Sign in</button></form>';
        return;
      }
      ctx.redirect((await session.startFromThirdParty('browser', params)).href);
      ctx.set('set-cookie', setCookies());
      return;
    }
    if (ctx.path === '/login/confirm' && ctx.method === 'POST') {
      const { params } = await request.parameters();
      const initiation = new URLSearchParams(decodeURIComponent(params.get('q') ?? ''));
      ctx.redirect((await session.startFromThirdParty('browser', initiation)).href);
      ctx.set('set-cookie', setCookies());
      return;
    }
    if (ctx.path === '/callback') {
      await session.finish('browser', `${url}${ctx.url}`);
      ctx.set('set-cookie', setCookies());
      ctx.redirect('/me');
      return;
    }
    ctx.status = 404;
  });
  onTestFinished(() => app.close());
  return { ...app, behaviour };
}

/** These cases on an app, black-box, its initiation path /login/initiate unless the adapter says otherwise. */
async function judgeApp(app: { url: string }, adapter: Omit<WebAppAdapterOptions, 'url'>, only: string[]) {
  return verdicts(
    await runConformance({
      idp: idp(),
      only,
      adapter: webAppAdapter({ url: app.url, initiateLoginPath: '/login/initiate', ...adapter }),
      client: { ...APP_CLIENT, redirectUris: [`${app.url}/callback`] },
    }),
  );
}

interface Initiation {
  /**
   * 'configured': refuses any iss but its issuer (default); 'any': discovers whatever iss names and logs in there;
   * 'none': refuses every request, as an app comparing iss with its issuer written another way would.
   */
  trust?: 'configured' | 'any' | 'none';
  /** Passes login_hint on (default). */
  forwardHint?: boolean;
  /**
   * 'own': a target_link_uri of the redirect URI's origin only (default); 'any': whatever was sent; 'refuse': a
   * request with a foreign one is refused.
   */
  target?: 'own' | 'any' | 'refuse';
  /** After the login with the hint, authorizes again without it (a step-up for another scope). */
  stepUp?: boolean;
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
      const target = request.get('target_link_uri');
      const own = target === null || new URL(target).origin === new URL(redirectUri).origin;
      if (!own && options.target === 'refuse')
        return { ok: false, code: 'foreign-target', message: `target_link_uri ${target} is not this app's` };
      const config = await discover(iss, clientId, client.ClientSecretBasic(clientSecret));
      const hint = options.forwardHint === false ? undefined : request.get('login_hint');
      await codeFlow(config, { scope: 'openid', agent: userAgent, redirectUri, ...(hint ? { loginHint: hint } : {}) });
      if (options.stepUp) await codeFlow(config, { scope: 'openid profile', agent: userAgent, redirectUri });
      const followed = target && (own || options.target === 'any');
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
      'third-party-login-hint': 'pass: completed the flow',
      'third-party-login-target-link-foreign': 'pass: accepted (allowed)',
      // In process, a posted form's parameters are a link's: only a web app's endpoint tells the two apart.
      'third-party-login-post': 'skip: the client lacks: web',
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

  it("send Entra's common URL as iss, not discovery's {tenantid} template: the reference client passes", async () => {
    const report = await run(fastReferenceClient(), THIRD_PARTY, 'entra');
    expect(misses(verdicts(report))).toEqual([]);
    const started = report.results.find((r) => r.id === 'third-party-login')!;
    expect(started.verdict).toBe('pass');
    expect(idp().issuers.entra).toMatch(/\/entra\/common\/v2\.0$/);
  });

  it("pass openid-client 6 with the initiation endpoint done right, on Auth0's trailing-slash issuer too", async () => {
    for (const issuer of ['generic', 'auth0']) {
      const report = await run(openidClient(), THIRD_PARTY, issuer);
      expect(
        report.results.map((r) => [r.id, r.verdict]),
        issuer,
      ).toEqual([
        ['third-party-login', 'pass'],
        ['third-party-login-post', 'skip'],
        ['third-party-login-hint', 'pass'],
        ['third-party-login-target-link-foreign', 'pass'],
        ['third-party-login-iss-foreign', 'pass'],
      ]);
    }
  });

  it('fail a client that drops the login_hint, in its own case only', async () => {
    const v = verdicts(await run(openidClient({ forwardHint: false })));
    expect(v['third-party-login-hint']).toBe(
      'fail: completed, but left out the login_hint "alice" the third party sent',
    );
    expect(misses(v)).toEqual(['third-party-login-hint']);
    // One that passes it on, then authorizes again for more without it, did what the request asked.
    expect(verdicts(await run(openidClient({ stepUp: true }), ['third-party-login-hint']))).toEqual({
      'third-party-login-hint': 'pass: completed the flow',
    });
  });

  it('fail a client that sends the user to any target_link_uri, and pass one that refuses the request', async () => {
    const v = verdicts(await run(openidClient({ target: 'any' })));
    expect(v['third-party-login-target-link-foreign']).toBe(
      'fail: accepted, but redirected the browser to https://attacker.example/landing',
    );
    expect(misses(v)).toEqual(['third-party-login-target-link-foreign']);
    const refusing = verdicts(await run(openidClient({ target: 'refuse' })));
    expect(refusing['third-party-login-target-link-foreign']).toBe(
      "pass: rejected (allowed): (foreign-target) target_link_uri https://attacker.example/landing is not this app's",
    );
    expect(misses(refusing)).toEqual([]);
  });

  it('warn a client that discovers whatever issuer the link names and logs in there, even run on its own', async () => {
    for (const only of [THIRD_PARTY, ['third-party-login-iss-foreign']]) {
      const v = verdicts(await run(openidClient({ trust: 'any' }), only));
      expect(v['third-party-login-iss-foreign']).toMatch(
        new RegExp(`^warn: accepted, but started a login at ${FOREIGN}, the issuer the third party named$`),
      );
      expect(misses(v)).toEqual(['third-party-login-iss-foreign']);
    }
  });

  it('skip a refusal of the foreign issuer run alone: nothing shows the endpoint works', async () => {
    expect(verdicts(await run(openidClient(), ['third-party-login-iss-foreign']))).toEqual({
      'third-party-login-iss-foreign':
        "skip: a third party's request never made the client start a login in the run (run third-party-login " +
        'with this case; it says why), so how it answered this one proves nothing',
    });
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
    const unproven =
      "skip: a third party's request never made the client start a login in the run (run third-party-login with " +
      'this case; it says why), so how it answered this one proves nothing';
    // Only the plainest request, a link with the issuer's own iss, tells a missing endpoint; the rest wait on it.
    expect(verdicts(report)).toEqual({
      'third-party-login': unknown,
      'third-party-login-post': unproven,
      'third-party-login-hint': unproven,
      'third-party-login-target-link-foreign': unproven,
      'third-party-login-iss-foreign': unproven,
    });
    // It has the endpoint, and refuses the issuer's own request: one miss, in the case that judges the login.
    const refusing = verdicts(await run(openidClient({ trust: 'none' })));
    expect(refusing['third-party-login']).toMatch(
      /^fail: failed a valid flow: \(unknown-issuer\) no login at http:\/\/127\.0\.0\.1:\d+\/generic: /,
    );
    expect(refusing['third-party-login-hint']).toBe(unproven);
    expect(refusing['third-party-login-target-link-foreign']).toBe(unproven);
    expect(refusing['third-party-login-iss-foreign']).toBe(unproven);
    expect(misses(refusing)).toEqual(['third-party-login']);
  });

  it("judge a web app's own answers: a 404 or a page for a foreign issuer, a redirect before login", async () => {
    // Refuses an issuer it does not know with 404 (or a 200 page), and sends the browser to any target at once.
    const app = await initiationApp({ foreignIssuer: 404, target: 'straight-on' });
    const judged = (adapter: Omit<WebAppAdapterOptions, 'url'>) =>
      judgeApp(app, adapter, [
        'third-party-login',
        'third-party-login-target-link-foreign',
        'third-party-login-iss-foreign',
      ]);
    const withWhoami = await judged({ whoami: '/me' });
    expect(withWhoami['third-party-login']).toBe('pass: completed the flow');
    expect(withWhoami['third-party-login-iss-foreign']).toMatch(
      /^pass: rejected \(allowed\): the app showed "unknown issuer http:.*" at \/login\/initiate \(404\); \/me /,
    );
    expect(withWhoami['third-party-login-target-link-foreign']).toMatch(
      /^fail: rejected, but redirected the browser to https:\/\/attacker\.example\/landing$/,
    );
    // No who-am-I page, and a 200 page of its own for the foreign issuer: it started no login, which is the answer.
    app.behaviour.foreignIssuer = 200;
    const byPage = await judged({ success: { status: 200 } });
    expect(byPage['third-party-login']).toBe('pass: completed the flow');
    expect(byPage['third-party-login-iss-foreign']).toBe(
      'pass: started no login: the client answered with a page of its own',
    );
    expect(byPage['third-party-login-target-link-foreign']).toBe(
      'fail: started no login, but redirected the browser to https://attacker.example/landing',
    );
    // The redirect stands even where nothing else shows the endpoint works: the plain request answered 500.
    app.behaviour.plain = 500;
    const broken = await judged({ whoami: '/me' });
    expect(broken['third-party-login']).toMatch(/^fail: failed a valid flow: .*\(500\)/);
    expect(broken['third-party-login-target-link-foreign']).toBe(
      'fail: rejected, but redirected the browser to https://attacker.example/landing',
    );
  });

  it('fail an endpoint that takes links but not posted forms, or refuses a request for its login_hint', async () => {
    const app = await initiationApp({ post: 404, hinted: 400 });
    const v = await judgeApp(app, { whoami: '/me' }, THIRD_PARTY);
    expect(v['third-party-login']).toBe('pass: completed the flow');
    // A 404 to the POST is an answer once the link worked: Registration 2 asks for both.
    expect(v['third-party-login-post']).toMatch(
      /^fail: failed a valid flow: the app showed "Not Found" at \/login\/initiate \(404\)/,
    );
    expect(v['third-party-login-hint']).toMatch(/^fail: failed a valid flow: the app showed "no hints here" at /);
    expect(misses(v)).toEqual(['third-party-login-post', 'third-party-login-hint']);
  });

  it('press the sign-in button an initiation page shows, for a link and for a posted form alike', async () => {
    const app = await initiationApp({ confirm: true });
    const pressed = await judgeApp(app, { whoami: '/me', loginForm: true }, THIRD_PARTY);
    expect(misses(pressed)).toEqual([]);
    expect(pressed['third-party-login-post']).toBe('pass: completed the flow');
    // A wrong path is still no endpoint, with a sign-in form to press or without.
    const wrongPath = await judgeApp(app, { whoami: '/me', loginForm: true, initiateLoginPath: '/sso' }, [
      'third-party-login',
    ]);
    expect(wrongPath['third-party-login']).toBe(
      'not-delivered: (action-refused) the app answered GET /sso with 404; check the login initiation path ' +
        '(initiateLoginPath)',
    );
  });

  it('skip the hint case on an issuer with no user to name, and run the rest', async () => {
    const empty = await startTestIdp({ issuers: [{ name: 'empty', profile: 'generic', users: [] }] });
    onTestFinished(() => empty.close());
    const report = await runConformance({
      idp: empty,
      issuer: 'empty',
      adapter: fastReferenceClient(),
      only: THIRD_PARTY,
    });
    expect(verdicts(report)['third-party-login-hint']).toBe(
      'skip: the issuer has no default user to name in login_hint',
    );
  });

  it('refuse the capability for a command: it would never see the third party', () => {
    expect(() => commandAdapter({ command: 'true', capabilities: ['third-party-login'] })).toThrow(
      'commandAdapter: a command has no login initiation endpoint (third-party-login)',
    );
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
