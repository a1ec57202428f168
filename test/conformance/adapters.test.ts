import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startExampleApp } from '../../client/examples/web-app.js';
import {
  type CaseContext,
  type ClientAdapter,
  type ClientOutcome,
  type ConformanceReport,
  cases,
  commandAdapter,
  referenceClientAdapter,
  runConformance,
  type WebAppAdapterOptions,
  webAppAdapter,
} from '../../conformance/index.js';
import { startButtonWebApp } from '../../fixtures/apps/button-web-app.js';
import { startCarelessWebApp } from '../../fixtures/apps/careless-web-app.js';
import { startTestWebApp } from '../../fixtures/apps/reference-web-app.js';
import { startRetryingWebApp } from '../../fixtures/apps/retrying-web-app.js';
import { startUserinfoWebApp, type UserinfoUse } from '../../fixtures/apps/userinfo-web-app.js';
import { CLI } from '../helpers/cli.js';
import { startTestIdp, useIdp } from '../helpers/idp.js';
import { codeRequestUrl } from '../helpers/login.js';

const idp = useIdp({ profiles: ['generic'] });

/** Alive and not a zombie waiting for a reaper: a killed process may linger as one in a container. */
function running(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

const verdicts = (report: ConformanceReport) => Object.fromEntries(report.results.map((r) => [r.id, r.verdict]));
const problems = (report: ConformanceReport) =>
  report.results.filter((r) => r.verdict === 'fail' || r.verdict === 'warn').map((r) => `${r.id}: ${r.reason}`);
const APP_CLIENT = { clientId: 'example-app', clientSecret: 'example-app-secret-0123456789' };
const APP_CLIENT_OPTIONS = () => ({ issuer: idp().issuers.generic!, ...APP_CLIENT });

/** A test app, closed when the test ends, pass or fail. */
async function opened<App extends { url: string; close(): Promise<void> }>(app: Promise<App>): Promise<App> {
  const started = await app;
  onTestFinished(() => started.close());
  return started;
}

/** Runs these cases on an app through the web adapter (its who-am-I page /me by default), /callback registered. */
const judgeWebApp = (url: string, only: string[], adapter: Omit<WebAppAdapterOptions, 'url'> = { whoami: '/me' }) =>
  runConformance({
    idp: idp(),
    only,
    adapter: webAppAdapter({ url, ...adapter }),
    client: { ...APP_CLIENT, redirectUris: [`${url}/callback`] },
  });

describe('the web app adapter (black box)', () => {
  it('certifies the example web app: it logs in, rejects every bad response it can be shown, ' +
    'and has neither flaw of a web app', async () => {
    const app = await startExampleApp({ issuer: idp().issuers.generic!, ...APP_CLIENT, port: 0 });
    try {
      const report = await runConformance({
        idp: idp(),
        adapter: webAppAdapter({
          url: app.url,
          loginPath: '/login',
          whoami: '/me',
          backchannelLogoutPath: '/backchannel-logout',
          logoutPath: '/logout',
          initiateLoginPath: '/login/initiate',
        }),
        client: {
          ...APP_CLIENT,
          redirectUris: [`${app.url}/callback`],
          backchannelLogoutUri: `${app.url}/backchannel-logout`,
          postLogoutRedirectUris: [`${app.url}/`],
        },
      });
      expect(problems(report)).toEqual([]);
      const v = verdicts(report);
      expect(v['happy-path']).toBe('pass');
      expect(v['open-redirect-return-to']).toBe('pass');
      expect(v['error-description-escaped']).toBe('pass');
      expect(v['id-token-aud-wrong']).toBe('pass');
      expect(v['state-altered']).toBe('pass');
      for (const c of cases.filter((x) => x.area === 'logout')) expect(v[c.id], c.id).toBe('pass');
      for (const c of cases.filter((x) => x.area === 'third-party-login')) expect(v[c.id], c.id).toBe('pass');
      // It survives key rotation, black-box: the rotation is armed on its client_id, and it refetched the issuer's
      // JWKS.
      for (const id of ['key-rotation-nth-login', 'key-rotation-before-signing']) {
        expect(v[id], id).toBe('pass');
        const calls = report.results.find((r) => r.id === id)!.calls;
        expect(calls.slice(calls.lastIndexOf('authorization')), id).toContain('jwks');
      }
      // A fixed issuer and registration: issuer-URL scenarios and own-registration cases are skipped with a reason.
      const skipped = report.results.filter((r) => r.verdict === 'skip');
      for (const r of skipped) expect(r.reason).toMatch(/lacks|registration is fixed|only for|plain OAuth/);
      expect(v['key-rotation-old-key-retired']).toBe('skip');
      expect(report.summary.pass).toBeGreaterThan(35);
    } finally {
      await app.close();
    }
  }, 60_000);

  it("names the login's session (sid) in a logout token, so a valid logout ends no other case's session", async () => {
    // The example app's /me shows browsers HTML, so the kit reads sid from the ID token the issuer gave the app: a
    // token naming only the user ended every session of alice, and a later case's login looked logged out.
    const app = await opened(startExampleApp({ ...APP_CLIENT_OPTIONS(), port: 0 }));
    const judged = (only: string[]) =>
      runConformance({
        idp: idp(),
        only,
        adapter: webAppAdapter({ url: app.url, whoami: '/me', backchannelLogoutPath: '/backchannel-logout' }),
        client: {
          ...APP_CLIENT,
          redirectUris: [`${app.url}/callback`],
          backchannelLogoutUri: `${app.url}/backchannel-logout`,
        },
      });
    expect(verdicts(await judged(['backchannel-logout-valid']))).toEqual({ 'backchannel-logout-valid': 'pass' });
    // Its ID tokens come from a clock 5 minutes slow: older than a logout by sub alone would have been.
    expect(verdicts(await judged(['idp-clock-behind']))).toEqual({ 'idp-clock-behind': 'pass' });
  });

  it("signs out with the app's POST, and calls a sign-out path the app refuses not delivered", async () => {
    const app = await startExampleApp({ issuer: idp().issuers.generic!, ...APP_CLIENT, port: 0 });
    try {
      const judged = (logoutPath: string) =>
        runConformance({
          idp: idp(),
          only: ['rp-logout', 'rp-logout-id-token-hint'],
          adapter: webAppAdapter({ url: app.url, whoami: '/me', logoutPath, logoutMethod: 'POST' }),
          client: { ...APP_CLIENT, redirectUris: [`${app.url}/callback`], postLogoutRedirectUris: [`${app.url}/`] },
        });
      expect(verdicts(await judged('/logout'))).toEqual({ 'rp-logout': 'pass', 'rp-logout-id-token-hint': 'pass' });
      const wrongPath = await judged('/sign-out');
      expect(verdicts(wrongPath)).toEqual({ 'rp-logout': 'not-delivered', 'rp-logout-id-token-hint': 'not-delivered' });
      expect(wrongPath.results[0]!.reason).toBe(
        '(action-refused) the app answered POST /sign-out with 404: "Not found"; check the sign-out path and method ' +
          '(logoutPath, logoutMethod)',
      );
    } finally {
      await app.close();
    }
  });

  it(
    'catches a web app that follows any return_to, renders error_description as HTML, takes any logout token and ' +
      'keeps its session after signing out',
    async () => {
      const app = await startCarelessWebApp({ issuer: idp().issuers.generic!, ...APP_CLIENT });
      try {
        const report = await runConformance({
          idp: idp(),
          only: [
            'happy-path',
            'open-redirect-return-to',
            'error-description-escaped',
            'id-token-nonce-wrong',
            'backchannel-logout-valid',
            'backchannel-logout-alg-none',
            'backchannel-logout-aud-wrong',
            'rp-logout',
            'rp-logout-id-token-hint',
            'rp-logout-other-state',
            'third-party-login',
            'third-party-login-post',
            'third-party-login-target-link-foreign',
            'third-party-login-iss-foreign',
          ],
          adapter: webAppAdapter({
            url: app.url,
            whoami: '/me',
            backchannelLogoutPath: '/backchannel-logout',
            logoutPath: '/logout',
            initiateLoginPath: '/login/initiate',
          }),
          client: { ...APP_CLIENT, redirectUris: [`${app.url}/callback`], postLogoutRedirectUris: [`${app.url}/`] },
        });
        expect(verdicts(report)).toEqual({
          'happy-path': 'pass',
          'id-token-nonce-wrong': 'warn',
          'open-redirect-return-to': 'fail',
          'error-description-escaped': 'fail',
          'backchannel-logout-valid': 'pass',
          'backchannel-logout-alg-none': 'fail',
          'backchannel-logout-aud-wrong': 'fail',
          'rp-logout': 'fail',
          // It named the session it signed out of: its kept session is rp-logout's miss, not this case's.
          'rp-logout-id-token-hint': 'pass',
          // Its sign-out took the redirect back whatever its state; keeping its session is no refusal of it.
          'rp-logout-other-state': 'warn',
          'third-party-login': 'pass',
          'third-party-login-post': 'fail',
          'third-party-login-target-link-foreign': 'fail',
          'third-party-login-iss-foreign': 'warn',
        });
        const byId = Object.fromEntries(report.results.map((r) => [r.id, r]));
        expect(byId['open-redirect-return-to']!.reason).toContain('https://attacker.example/landing');
        expect(byId['third-party-login-target-link-foreign']!.reason).toBe(
          'accepted, but redirected the browser to https://attacker.example/landing',
        );
        expect(byId['third-party-login-post']!.reason).toMatch(/^failed a valid flow: .*\/login\/initiate.*500/);
        const foreign = String.raw`http://127\.0\.0\.1:\d+/generic/s/no-fault~[0-9a-f]{10}`;
        expect(byId['third-party-login-iss-foreign']!.reason).toMatch(
          new RegExp(`^rejected, but started a login at ${foreign}, the issuer the third party named$`),
        );
        expect(byId['error-description-escaped']!.reason).toContain('as HTML');
        expect(byId['rp-logout']!.reason).toBe(
          "failed a valid flow: (still-signed-in) the app's own session outlived its sign-out: after /logout, /me " +
            'still answers as signed in (200)',
        );
        expect(byId['rp-logout']!.calls).toEqual(expect.arrayContaining(['end_session', 'end_session_confirm']));
        expect(byId['rp-logout-other-state']!.reason).toBe('accepted a response it must reject');
        // It throws on the bad nonce and answers 500: it took no bad token, but a crash is not a rejection.
        expect(byId['id-token-nonce-wrong']!.reason).toMatch(/^a server error \(HTTP 500\)/);
        expect(report.passed).toBe(false);
      } finally {
        await app.close();
      }
    },
  );

  it(
    'stops at an app that answers a bad response by starting a new login, and reads that as its rejection; ' +
      "a silent login's fallback to an interactive one is no restart",
    async () => {
      const app = await opened(startRetryingWebApp(APP_CLIENT_OPTIONS()));
      const only = ['happy-path', 'state-altered', 'id-token-signature-corrupt', 'authorization-error'];
      const report = await judgeWebApp(app.url, only);
      expect(verdicts(report)).toEqual({
        'happy-path': 'pass',
        'state-altered': 'pass',
        'id-token-signature-corrupt': 'pass',
        'authorization-error': 'pass',
      });
      const byId = Object.fromEntries(report.results.map((r) => [r.id, r]));
      // Silent first: login_required came back, then the interactive login that completed.
      expect(byId['happy-path']!.calls.filter((c) => c === 'authorization')).toHaveLength(2);
      for (const id of ['state-altered', 'id-token-signature-corrupt', 'authorization-error']) {
        expect(byId[id]!.outcome, id).toMatchObject({ ok: false, code: 'login-restarted' });
        expect(byId[id]!.reason, id).toMatch(/at \/callback by sending the browser to log in again/);
        // The browser stopped before the new login: no second round of the fault in the case's evidence.
        expect(
          byId[id]!.calls.filter((c) => c === 'authorization'),
          id,
        ).toHaveLength(2);
      }
    },
  );

  it('reads a silent login answered by form post as no restart, and a restart after a form post as one', async () => {
    const app = await opened(startRetryingWebApp({ ...APP_CLIENT_OPTIONS(), formPost: true }));
    const report = await judgeWebApp(app.url, ['happy-path', 'id-token-signature-corrupt']);
    expect(verdicts(report)).toEqual({ 'happy-path': 'pass', 'id-token-signature-corrupt': 'pass' });
    expect(report.results[1]!.outcome).toMatchObject({ ok: false, code: 'login-restarted' });
  });

  it(
    'asks the who-am-I page before reading a second authorization as a restart: an app that took the token and ' +
      'then authorizes again (step-up) took it',
    async () => {
      for (const flaws of [[], ['no-aud-check'] as const]) {
        const app = await opened(startRetryingWebApp({ ...APP_CLIENT_OPTIONS(), stepUp: true, flaws }));
        const report = await judgeWebApp(app.url, ['happy-path', 'id-token-aud-wrong']);
        const aud = report.results.find((r) => r.id === 'id-token-aud-wrong')!;
        expect(verdicts(report)['happy-path'], flaws.join()).toBe('pass');
        // Without the flaw it rejected and started over: /me has no session. With it, /me says who logged in.
        expect([aud.verdict, aud.reason], flaws.join()).toEqual(
          flaws.length
            ? ['fail', 'accepted a response it must reject']
            : [
                'pass',
                "rejected: (login-restarted) the app answered the identity provider's response at /callback by " +
                  'sending the browser to log in again; /me answered 401',
              ],
        );
      }
    },
  );

  it(
    'presses the sign-in form of an app whose login starts with a button, with its CSRF token and cookie, and ' +
      'says so when the form is not there',
    async () => {
      const app = await opened(startButtonWebApp(APP_CLIENT_OPTIONS()));
      const run = (loginForm: string | boolean, only = ['happy-path', 'id-token-signature-corrupt']) =>
        judgeWebApp(app.url, only, { loginPath: '/', loginForm, whoami: '/me' });
      // Its only POST form, or the one a selector names; the search form beside it is a GET.
      for (const loginForm of [true, 'form[action="/signin"]']) {
        const report = await run(loginForm);
        expect(problems(report), String(loginForm)).toEqual([]);
        expect(verdicts(report)).toEqual({ 'happy-path': 'pass', 'id-token-signature-corrupt': 'pass' });
      }
      // The selector names the search form: no login starts, and the faulty case was never delivered.
      const search = await run('form[action="/search"]');
      expect(search.results.map((r) => [r.id, r.verdict])).toEqual([
        ['happy-path', 'fail'],
        ['id-token-signature-corrupt', 'not-delivered'],
      ]);
      const missing = await run('form#sign-in', ['happy-path']);
      expect(missing.results[0]!.reason).toBe(
        'failed a valid flow: (no-login-form) no sign-in form to press: / (200) has 0 forms matching ' +
          'form#sign-in, not one',
      );
      // Without the press, the page is where the login ends: /me says no one logged in.
      expect(verdicts(await run(false, ['happy-path']))).toEqual({ 'happy-path': 'fail' });
    },
  );

  it('judges by the final page when there is no who-am-I URL, and names where the login ended', async () => {
    const app = await startExampleApp({ issuer: idp().issuers.generic!, ...APP_CLIENT, port: 0 });
    try {
      const report = await runConformance({
        idp: idp(),
        only: ['happy-path', 'id-token-signature-corrupt'],
        adapter: webAppAdapter({ url: app.url, success: { status: 200, text: 'Hello' } }),
        client: { ...APP_CLIENT, redirectUris: [`${app.url}/callback`] },
      });
      expect(problems(report)).toEqual([]);
      const rejected = report.results.find((r) => r.id === 'id-token-signature-corrupt')!;
      expect(rejected.outcome).toMatchObject({ ok: false, finalUrl: expect.stringContaining(`${app.url}/callback?`) });
      expect(rejected.reason).toMatch(/answered 400: .*Login failed/);
    } finally {
      await app.close();
    }
  });

  it(
    "never takes its own browser's failure for the app's answer: one too big to read is unknown, a closed " +
      'connection no clean rejection',
    async () => {
      // Whatever the callback gets, it redeems the code (so the ID token's fault reaches it), then answers with more
      // header than a fetch-based browser reads (16 KiB), or closes the connection.
      const misbehaving = (answer: 'huge' | 'hang-up') =>
        startTestWebApp(APP_CLIENT_OPTIONS(), answer, async ({ ctx, session, setCookies, url }) => {
          if (ctx.path === '/login') {
            ctx.redirect((await session.start('browser')).href);
            ctx.set('set-cookie', setCookies());
            return;
          }
          await session.finish('browser', `${url}${ctx.url}`).catch(() => undefined);
          if (answer === 'hang-up') ctx.req.socket.destroy();
          ctx.set('x-padding', 'x'.repeat(20_000));
          ctx.body = 'too much';
        });
      const only = ['happy-path', 'id-token-signature-corrupt'];
      const huge = await judgeWebApp((await opened(misbehaving('huge'))).url, only);
      expect(huge.results.map((r) => [r.id, r.verdict, r.reason])).toEqual(
        only.map((id) => [
          id,
          'not-delivered',
          "the client's answer is unknown: (unreadable) the browser could not finish: fetch failed " +
            '(UND_ERR_HEADERS_OVERFLOW: Headers Overflow Error)',
        ]),
      );
      // The same at the first, valid login of a two-login case: no miss of the client's, and no fault served.
      const twoLogins = await judgeWebApp((await opened(misbehaving('huge'))).url, ['state-replayed']);
      expect(twoLogins.results[0]).toMatchObject({
        verdict: 'not-delivered',
        reason: expect.stringMatching(/^the fault was never served: .*\(unreadable\) step 1 \(login\), before the /),
      });
      const hangUp = await judgeWebApp((await opened(misbehaving('hang-up'))).url, only);
      expect(hangUp.results.map((r) => [r.id, r.verdict])).toEqual([
        ['happy-path', 'fail'],
        ['id-token-signature-corrupt', 'warn'],
      ]);
      expect(hangUp.results[1]!.reason).toMatch(
        /^no answer instead of a clean rejection: \(unreachable\) the browser could not finish: fetch failed/,
      );
    },
  );

  it('reads a back-channel logout endpoint that closes the connection as no clean rejection, not a 400', async () => {
    const app = await opened(
      startTestWebApp(APP_CLIENT_OPTIONS(), 'hang-up', async ({ ctx, session, setCookies, url }) => {
        if (ctx.path === '/login') ctx.redirect((await session.start('browser')).href);
        else if (ctx.path === '/callback') {
          await session.finish('browser', `${url}${ctx.url}`);
          ctx.redirect('/me');
        } else ctx.req.socket.destroy();
        ctx.set('set-cookie', setCookies());
      }),
    );
    const report = await runConformance({
      idp: idp(),
      only: ['backchannel-logout-alg-none'],
      adapter: webAppAdapter({ url: app.url, whoami: '/me', backchannelLogoutPath: '/backchannel-logout' }),
      client: { ...APP_CLIENT, redirectUris: [`${app.url}/callback`] },
    });
    expect(report.results[0]).toMatchObject({
      verdict: 'warn',
      reason: expect.stringMatching(
        /^no answer instead of a clean rejection: \(unreachable\) the logout request could/,
      ),
    });
  });

  it('reports an app that is not running as a failed login, not a crash', async () => {
    const report = await runConformance({
      idp: idp(),
      only: ['happy-path'],
      adapter: webAppAdapter({ url: 'http://127.0.0.1:9' }),
      client: { ...APP_CLIENT, redirectUris: ['http://127.0.0.1:9/callback'] },
    });
    expect(report.results[0]).toMatchObject({ verdict: 'fail', outcome: { ok: false, code: 'unreachable' } });
  });

  it("names the page an app never answered when its login ran out of time, in any adapter's browser", async () => {
    // An app whose login page never answers.
    const app = createServer(() => {});
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => {
      app.closeAllConnections();
      return new Promise<void>((resolve) => app.close(() => resolve()));
    });
    const url = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    const web = await runConformance({
      idp: idp(),
      only: ['happy-path'],
      timeoutMs: 1_500,
      adapter: webAppAdapter({ url }),
      client: { ...APP_CLIENT, redirectUris: [`${url}/callback`] },
    });
    expect(web.results[0]).toMatchObject({ outcome: { ok: false, code: 'timeout' } });
    expect(web.results[0]!.reason).toMatch(`(the browser was still waiting for the answer to GET ${url}/login)`);
    // A Node client of the user's own, in the case's browser (context.userAgent).
    const own = await runConformance({
      idp: idp(),
      only: ['happy-path'],
      timeoutMs: 1_500,
      adapter: {
        name: 'stuck node client',
        async run(context: CaseContext): Promise<ClientOutcome> {
          await context.userAgent.navigate(`${url}/start`);
          return { ok: true };
        },
      },
    });
    expect(own.results[0]!.reason).toMatch(`(the browser was still waiting for the answer to GET ${url}/start)`);
  });

  it("settles a timed-out login whatever the adapter's own unfinished() does", async () => {
    const stuck = (unfinished: () => unknown) =>
      runConformance({
        idp: idp(),
        only: ['happy-path'],
        timeoutMs: 500,
        adapter: {
          name: 'stuck',
          run: () => new Promise<ClientOutcome>(() => {}),
          unfinished: unfinished as () => string | undefined,
        },
      });
    const threw = await stuck(() => {
      throw new Error('boom');
    });
    expect(threw.results[0]!.reason).toMatch(/did not finish within 500 ms \(unfinished\(\) threw: boom\)/);
    // Not a string (an async hook): no hint rather than "[object Promise]".
    const promised = await stuck(async () => 'too late');
    expect(promised.results[0]!.reason).toMatch(/did not finish within 500 ms$/);
  });
});

const COMMAND_CASES = [
  'happy-path',
  'native-loopback-redirect',
  'id-token-aud-wrong',
  'id-token-nonce-wrong',
  'id-token-signature-corrupt',
  'key-rotation-nth-login',
  'state-altered',
];

describe('the command adapter', () => {
  it('runs `mock-idp login`, which prints its URL, once per login and judges it by its exit code', async () => {
    const report = await runConformance({
      idp: idp(),
      only: COMMAND_CASES,
      adapter: commandAdapter({
        command:
          `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} login --issuer {issuer} ` +
          `--client-id {client_id} --timeout 8`,
      }),
    });
    expect(problems(report)).toEqual([]);
    expect(Object.values(verdicts(report))).toEqual(COMMAND_CASES.map(() => 'pass'));
    const rejected = report.results.find((r) => r.id === 'id-token-aud-wrong')!;
    expect(rejected.outcome).toMatchObject({ ok: false, code: 'exit-1' });
    expect(rejected.reason).toMatch(/mock-idp login: .*aud/);
    const happy = report.results.find((r) => r.id === 'happy-path')!;
    expect(happy.outcome).toMatchObject({ ok: true, claims: { sub: expect.any(String) } });
  }, 60_000);

  it('fails a command that sends the browser to the plain-http endpoint discovery names on another host', async () => {
    // A naive client: it takes whatever authorization endpoint discovery names, prints it (`print` makes the line
    // from the URL `u`) and waits.
    const naive = (print: string) =>
      runConformance({
        idp: idp(),
        only: ['discovery-http-endpoints'],
        adapter: commandAdapter({
          command: `${JSON.stringify(process.execPath)} -e ${JSON.stringify(
            'const e=process.env;fetch(e.MOCK_IDP_ISSUER+"/.well-known/openid-configuration").then(r=>r.json())' +
              '.then(d=>{const u=d.authorization_endpoint+"?response_type=code&redirect_uri="+' +
              'encodeURIComponent(e.MOCK_IDP_REDIRECT_URI)+"&client_id="+encodeURIComponent(e.MOCK_IDP_CLIENT_ID);' +
              `console.log(${print});setTimeout(()=>{},20000)})`,
          )}`,
        }),
      });
    const report = await naive('u');
    expect(report.results[0]).toMatchObject({ verdict: 'warn', outcome: { ok: false, code: 'left-issuer' } });
    expect(report.results[0]!.reason).toMatch(
      /^followed it: it sent the browser to authorize at http:\/\/attacker\.example/,
    );
    // The same request in a sentence, its client_id last: "Open (URL)." is still the command's own.
    const sentence = await naive('"Open ("+u+")."');
    expect(sentence.results[0]).toMatchObject({ verdict: 'warn', outcome: { ok: false, code: 'left-issuer' } });
    // The reference client refuses the document before sending anyone anywhere.
    const strict = await runConformance({
      idp: idp(),
      only: ['discovery-http-endpoints'],
      adapter: referenceClientAdapter(),
    });
    expect(strict.results[0]).toMatchObject({ verdict: 'pass', outcome: { ok: false, code: 'insecure_endpoint' } });
  }, 60_000);

  it("fails a Node client that sends the kit's browser to the plain-http endpoint, whatever it reports", async () => {
    // Its own page redirects to whatever authorization endpoint discovery named, as a web app's login route does.
    let endpoint = '';
    const page = createServer((_req, res) => res.writeHead(302, { location: endpoint }).end());
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => page.close(() => resolve())));
    const naive = (viaOwnPage: boolean) =>
      ({
        name: 'naive node client',
        capabilities: ['issuer-url'],
        async run(context: CaseContext): Promise<ClientOutcome> {
          const discovery = (await (await fetch(`${context.issuer}/.well-known/openid-configuration`)).json()) as {
            authorization_endpoint: string;
          };
          const url = new URL(discovery.authorization_endpoint);
          url.search = new URLSearchParams({ response_type: 'code', client_id: context.clientId }).toString();
          endpoint = url.href;
          const start = viaOwnPage ? `http://127.0.0.1:${(page.address() as AddressInfo).port}/login` : url;
          try {
            await context.userAgent.navigate(start, { until: (u) => u.href.startsWith(context.redirectUri) });
            return { ok: true };
          } catch {
            // It reports only that the login failed.
            return { ok: false, message: 'the login failed' };
          }
        },
      }) satisfies ClientAdapter;
    for (const viaOwnPage of [false, true]) {
      const report = await runConformance({
        idp: idp(),
        only: ['discovery-http-endpoints'],
        adapter: naive(viaOwnPage),
      });
      expect(report.results[0], `via its own page: ${viaOwnPage}`).toMatchObject({
        verdict: 'warn',
        outcome: { ok: false, code: 'left-issuer' },
      });
      expect(report.results[0]!.reason).toMatch(
        /^followed it: the client sent the browser to authorize at http:\/\/attacker\.example:\d+\//,
      );
    }
  }, 30_000);

  it('is the browser of a command that launches one through $BROWSER', async () => {
    const script = fileURLToPath(new URL('../../fixtures/apps/browser-cli.mjs', import.meta.url));
    const report = await runConformance({
      idp: idp(),
      only: ['happy-path', 'id-token-iss-wrong', 'id-token-kid-unknown'],
      adapter: commandAdapter({ command: `${JSON.stringify(process.execPath)} ${JSON.stringify(script)}` }),
    });
    expect(problems(report)).toEqual([]);
    expect(report.summary.pass).toBe(3);
  }, 30_000);

  it('survives a command that hands $BROWSER no URL, and says so when the command then fails', async () => {
    const report = await runConformance({
      idp: idp(),
      only: ['happy-path'],
      adapter: commandAdapter({ command: '"$BROWSER" "not a url"; echo "no login" >&2; exit 3' }),
    });
    expect(report.results[0]).toMatchObject({ verdict: 'fail', outcome: { ok: false, code: 'exit-3' } });
    expect(report.results[0]!.reason).toMatch(/no login \(it handed the browser "not a url", which is no URL\)/);
  }, 30_000);

  it("opens no authorization URL elsewhere but the command's own, nor one whose client_id only starts so", async () => {
    // Another client's request at another origin, as a command may print an example: not the case's login.
    const report = await runConformance({
      idp: idp(),
      only: ['happy-path'],
      adapter: commandAdapter({
        command:
          'echo "see http://127.0.0.2:9/authorize?response_type=code&client_id=$MOCK_IDP_CLIENT_ID-other"; ' +
          'sleep 0.3; echo "no login" >&2; exit 3',
      }),
    });
    expect(report.results[0]).toMatchObject({ verdict: 'fail', outcome: { ok: false, code: 'exit-3' } });
    expect(report.results[0]!.reason).not.toMatch(/not at the issuer/);
  }, 30_000);

  it('reads an authorization URL printed without a newline, as a prompt that waits', async () => {
    const script = fileURLToPath(new URL('../../fixtures/apps/browser-cli.mjs', import.meta.url));
    const report = await runConformance({
      idp: idp(),
      only: ['happy-path'],
      adapter: commandAdapter({ command: `${JSON.stringify(process.execPath)} ${JSON.stringify(script)} --prompt` }),
    });
    expect(report.results[0]).toMatchObject({ verdict: 'pass', outcome: { ok: true, claims: { sub: 'alice' } } });
  }, 30_000);

  it('fails a command that exits non-zero and one that never finishes, without leaving it running', async () => {
    const failing = await runConformance({
      idp: idp(),
      only: ['happy-path'],
      adapter: commandAdapter({ command: 'echo "cannot log in" >&2; exit 3' }),
    });
    expect(failing.results[0]).toMatchObject({
      verdict: 'fail',
      outcome: { ok: false, code: 'exit-3', message: 'exited with 3: cannot log in' },
    });

    const pidFile = join(mkdtempSync(join(tmpdir(), 'mock-idp-test-')), 'pid');
    const hanging = await runConformance({
      idp: idp(),
      only: ['happy-path'],
      // Long enough for the shell to start and write its pid on a loaded machine.
      timeoutMs: 2_000,
      adapter: commandAdapter({ command: `sh -c 'echo $$ > ${pidFile}; exec sleep 30'` }),
    });
    expect(hanging.results[0]).toMatchObject({ verdict: 'fail', outcome: { ok: false, code: 'timeout' } });
    expect(hanging.results[0]!.reason).toMatch(/\(it showed no authorization request at the issuer: none on stdout/);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await expect.poll(() => running(pid), { timeout: 3000 }).toBe(false);
  });

  it('says why a command that never finished did not: what it showed, and how far the browser got', async () => {
    // Its listener takes the callback, then the command waits forever.
    const deaf =
      'const h=require("node:http"),e=process.env;const s=h.createServer((q,r)=>r.end("ok")).listen(0,"127.0.0.1",' +
      '()=>console.log(e.MOCK_IDP_ISSUER+"/auth?response_type=code&scope=openid&client_id="+e.MOCK_IDP_CLIENT_ID+' +
      '"&redirect_uri="+encodeURIComponent("http://127.0.0.1:"+s.address().port+"/callback")))';
    const timedOut = async (command: string, timeoutMs = 3_000) => {
      const report = await runConformance({
        idp: idp(),
        only: ['happy-path'],
        timeoutMs,
        adapter: commandAdapter({ command }),
      });
      expect(report.results[0]).toMatchObject({ verdict: 'fail', outcome: { ok: false, code: 'timeout' } });
      return report.results[0]!.reason;
    };
    // Room for a Node start and a whole login on a loaded machine before the hint can say the redirect went through.
    expect(await timedOut(`${JSON.stringify(process.execPath)} -e ${JSON.stringify(deaf)}`, 8_000)).toMatch(
      /\(the kit's browser delivered the redirect to http:\/\/127\.0\.0\.1:\d+, and it did not exit\)/,
    );
    // The stand-in $BROWSER is a Node process too.
    expect(await timedOut('"$BROWSER" "no"; sleep 30', 6_000)).toMatch(
      /\(it handed the browser "no", which is no URL\)/,
    );
    // A request at the issuer's host but not under its path: another issuer's.
    expect(
      await timedOut(
        'echo "$(dirname "$MOCK_IDP_ISSUER")/other/auth?response_type=code&client_id=$MOCK_IDP_CLIENT_ID"; sleep 30',
      ),
    ).toMatch(/\(it showed no authorization request for this case at its issuer, only http:\/\/.*\/other\/auth\?/);
  }, 60_000);

  it('judges a command it stopped at once, even one deaf to SIGTERM, and names a printed non-URL', async () => {
    // One that cleans up on SIGTERM gets the moment it needs.
    const cleanedUp = join(mkdtempSync(join(tmpdir(), 'mock-idp-test-')), 'cleaned-up');
    const tidy = await runConformance({
      idp: idp(),
      only: ['happy-path'],
      adapter: commandAdapter({
        command:
          `trap 'sleep 0.2; touch ${cleanedUp}; exit 1' TERM; ` +
          'echo "http://127.0.0.2:9/authorize?response_type=code&client_id=$MOCK_IDP_CLIENT_ID"; sleep 30 & wait',
      }),
    });
    expect(tidy.results[0]).toMatchObject({ outcome: { ok: false, code: 'left-issuer' } });
    expect(existsSync(cleanedUp)).toBe(true);
    // A request object by value (RFC 9101) at another host: the command's own authorization request, off the issuer.
    const stubborn = await runConformance({
      idp: idp(),
      only: ['happy-path'],
      timeoutMs: 8_000,
      adapter: commandAdapter({
        command:
          'trap \'\' TERM; echo "http://127.0.0.2:9/authorize?client_id=$MOCK_IDP_CLIENT_ID&request=eyJ"; sleep 30',
      }),
    });
    expect(stubborn.results[0]).toMatchObject({ outcome: { ok: false, code: 'left-issuer' } });
    const printed = await runConformance({
      idp: idp(),
      only: ['happy-path'],
      adapter: commandAdapter({
        command: 'echo "http://127.0.0.1:99999/auth?response_type=code&client_id=$MOCK_IDP_CLIENT_ID"; exit 3',
      }),
    });
    expect(printed.results[0]).toMatchObject({ outcome: { ok: false, code: 'exit-3' } });
    expect(printed.results[0]!.reason).toMatch(
      /\(it printed "http:\/\/127\.0\.0\.1:99999\/auth\?.*", which is no URL\)/,
    );
  }, 30_000);
});

describe('judging on the request log', () => {
  it('fails a case it cannot judge because the bounded log dropped its records, and says how to fix it', async () => {
    const { referenceClientAdapter } = await import('../../conformance/index.js');
    const small = await startTestIdp({ profiles: ['generic'], requestLogSize: 2 });
    try {
      const report = await runConformance({
        idp: small,
        adapter: referenceClientAdapter(),
        only: ['happy-path', 'id-token-aud-wrong'],
      });
      for (const result of report.results) {
        expect(result.verdict, result.id).toBe('fail');
        expect(result.reason).toMatch(
          new RegExp(
            /^could not judge: mock-idp's request log dropped \d+ record\(s\) of this /.source +
              /case \(requestLogSize 2\); raise requestLogSize$/.source,
          ),
        );
      }
    } finally {
      await small.close();
    }
  });
});

describe('a client the IdP turns away', () => {
  it(
    'never passes a case for any adapter: an in-process client whose redirect URI is not ' +
      'registered gets "not delivered", even where a rejection is expected',
    async () => {
      const own = await startTestIdp({ profiles: ['generic'] });
      try {
        const report = await runConformance({
          idp: own,
          only: ['happy-path', 'id-token-aud-wrong', 'state-altered'],
          adapter: {
            name: 'misconfigured',
            async run({ issuer, clientId, userAgent }) {
              const url = codeRequestUrl(issuer, {
                client_id: clientId,
                redirect_uri: 'http://127.0.0.1:9/not-registered',
                state: 's',
                code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
                code_challenge_method: 'S256',
              });
              const landing = await userAgent.navigate(url, { until: (u) => u.origin !== new URL(issuer).origin });
              return { ok: false, message: `login failed (${landing.response?.status ?? 'no answer'})` };
            },
          },
        });
        expect(Object.fromEntries(report.results.map((r) => [r.id, r.verdict]))).toEqual({
          'happy-path': 'not-delivered',
          'id-token-aud-wrong': 'not-delivered',
          'state-altered': 'not-delivered',
        });
        for (const result of report.results)
          expect(result.reason).toMatch(/mock-idp refused the client's authorization request \(400/);
        expect(report.passed).toBe(false);
        expect(report.summary['not-delivered']).toBe(3);
      } finally {
        await own.close();
      }
    },
  );
});

describe('userinfo about someone else, which "MUST NOT be used" (OIDC Core 5.3.2)', () => {
  // With the case whose ID token leaves the same claims to userinfo and nothing else wrong: a refusal then shows one.
  const CASES = ['userinfo-claims-only', 'userinfo-sub-mismatch', 'userinfo-sub-missing'];
  const judged = async (
    use: UserinfoUse,
    { only = CASES, ...app }: { only?: string[] } & Partial<Parameters<typeof startUserinfoWebApp>[0]> = {},
  ) => {
    const started = await opened(startUserinfoWebApp({ ...APP_CLIENT_OPTIONS(), use, ...app }));
    return judgeWebApp(started.url, only, { whoami: '/whoami' });
  };
  const reason = (report: ConformanceReport, id: string) => report.results.find((r) => r.id === id)?.reason;

  it('passes an app that signs in on the ID token alone, read from its who-am-I JSON', async () => {
    // The ID token of these logins carries no profile or email claims; the valid login's session showed the user's.
    const report = await judged('set-aside');
    expect(verdicts(report)).toEqual({
      'userinfo-claims-only': 'pass',
      'userinfo-sub-mismatch': 'pass',
      'userinfo-sub-missing': 'pass',
    });
    expect(reason(report, 'userinfo-sub-mismatch')).toBe(
      "signed in, without the userinfo response's claims: its session shows none of its sub, email, name, " +
        'given_name, family_name, preferred_username or picture',
    );
  });

  it("fails an app whose session shows the other subject's claims, its sub or only the rest", async () => {
    const believing = await judged('believe');
    // The reference client refuses a userinfo response without sub even with this flaw: the app set it aside.
    expect(verdicts(believing)).toMatchObject({ 'userinfo-sub-mismatch': 'fail', 'userinfo-sub-missing': 'pass' });
    expect(reason(believing, 'userinfo-sub-mismatch')).toBe(
      "signed in and used it: its session shows the userinfo response's sub someone-else, email " +
        'someone-else@example.com, name Someone Else, family_name Else-Entirely, preferred_username ' +
        'another-person, picture https://someone-else.example.invalid/picture.png',
    );
    const merging = await judged('merge');
    expect(verdicts(merging)['userinfo-sub-mismatch']).toBe('fail');
  });

  it('fails an app that believes userinfo and admits only its own email domain, which the other shares', async () => {
    // An address outside the user's domain would be refused for that, and the refusal taken for a check of sub.
    const company = await judged('believe', { emailDomain: 'example.com', only: ['userinfo-sub-mismatch'] });
    expect(verdicts(company)).toEqual({ 'userinfo-sub-mismatch': 'fail' });
    expect(reason(company, 'userinfo-sub-mismatch')).toMatch(/email someone-else@example\.com,/);
  });

  it("fails an app that takes what the ID token lacks from another subject's userinfo", async () => {
    // As GitLab's OmniAuth strategy does: the ID token's claims win, and it has no profile or email claims here. (Its
    // userinfo-sub-missing passes only because the reference client refuses userinfo without sub even with the flaw.)
    const underlaying = await judged('underlay');
    expect(verdicts(underlaying)).toMatchObject({ 'userinfo-sub-mismatch': 'fail', 'userinfo-sub-missing': 'pass' });
    expect(reason(underlaying, 'userinfo-sub-mismatch')).toMatch(
      /^signed in and used it: its session shows the userinf/,
    );
  });

  it('skips, never fails, an app whose who-am-I page shows no claims, or the sub alone', async () => {
    const silent = await judged('silent', { only: ['happy-path', ...CASES] });
    expect(verdicts(silent)).toEqual({
      'happy-path': 'pass',
      'userinfo-claims-only': 'pass',
      'userinfo-sub-mismatch': 'skip',
      'userinfo-sub-missing': 'skip',
    });
    // The right sub, and nothing to show whether it took the response's claims: its valid login showed none.
    const subOnly = await judged('sub-only');
    expect(verdicts(subOnly)).toMatchObject({ 'userinfo-sub-mismatch': 'skip', 'userinfo-sub-missing': 'skip' });
    expect(reason(subOnly, 'userinfo-sub-mismatch')).toMatch(/^signed in, but the run's valid login did not end in/);
  });

  it("keeps a used response a failure when nothing shows the valid login's claims", async () => {
    // Only userinfo's picture, which the valid login's user has none of: that session showed nothing of hers.
    const avatar = await judged('avatar', { only: ['userinfo-sub-mismatch'] });
    expect(verdicts(avatar)).toEqual({ 'userinfo-sub-mismatch': 'fail' });
  });

  it('skips a refusal by an app that needs an email in the ID token, which these ID tokens lack', async () => {
    const needy = await judged('set-aside', { needsIdTokenEmail: true });
    expect(verdicts(needy)).toEqual({
      'userinfo-claims-only': 'warn',
      'userinfo-sub-mismatch': 'skip',
      'userinfo-sub-missing': 'skip',
    });
    expect(reason(needy, 'userinfo-sub-mismatch')).toMatch(
      /^the client did not sign in on an ID token that leaves the profile and email claims to userinfo/,
    );
    // Selected alone, the case still meets the lean ID token: the kit runs userinfo-claims-only unreported.
    const alone = await judged('set-aside', { needsIdTokenEmail: true, only: ['userinfo-sub-mismatch'] });
    expect(verdicts(alone)).toEqual({ 'userinfo-sub-mismatch': 'skip' });
  });

  it('reads a who-am-I page that answers HTML for the values it shows, in its text and attributes', async () => {
    const setAside = await judged('set-aside', { page: 'html' });
    expect(verdicts(setAside)).toMatchObject({ 'userinfo-sub-mismatch': 'pass', 'userinfo-sub-missing': 'pass' });
    expect(reason(setAside, 'userinfo-sub-mismatch')).toMatch(/^signed in, without the userinfo response's claims/);
    // Its sub is part of its email and picture, which are what the page shows.
    const believing = await judged('believe', { page: 'html' });
    expect(reason(believing, 'userinfo-sub-mismatch')).toBe(
      "signed in and used it: its session shows the userinfo response's email someone-else@example.com, name " +
        'Someone Else, picture https://someone-else.example.invalid/picture.png',
    );
    // Landing on a home page, after which the kit asks the who-am-I page; only an image's src shows the picture.
    const underlaying = await judged('underlay', { page: 'html', landing: '/' });
    expect(verdicts(underlaying)['userinfo-sub-mismatch']).toBe('fail');
    expect(reason(underlaying, 'userinfo-sub-mismatch')).toMatch(
      /picture https:\/\/someone-else\.example\.invalid\/picture\.png$/,
    );
  });
});
