import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startExampleApp } from '../../client/examples/web-app.js';
import { type CaseResult, type ConformanceReport, cases, summaryTable } from '../../conformance/index.js';
import { startButtonWebApp } from '../../fixtures/apps/button-web-app.js';
import { startTestSpa } from '../../fixtures/apps/spa/server.js';
import { CHROMIUM } from '../helpers/browser.js';
import { CLI, runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/http.js';

const LOGIN =
  `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} login --issuer {issuer} ` +
  `--client-id {client_id} --timeout 8`;

/**
 * The example web app, configured for the issuer the kit is about to serve on a free port (the app must
 * know it first), and closed when the test finishes.
 */
async function exampleAppFor(issuerPath: string, clientId: string, clientSecret: string) {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}${issuerPath}`;
  const app = await startExampleApp({ issuer, clientId, clientSecret, port: 0 });
  onTestFinished(() => app.close());
  return { port, issuer, app };
}

/** The argv of `mock-idp conform`, its options given as an object: `true` for a bare flag, a list to repeat one. */
function conform(options: Record<string, string | true | string[]>): string[] {
  return [
    'conform',
    ...Object.entries(options).flatMap(([name, value]) =>
      [value].flat().flatMap((v) => (v === true ? [`--${name}`] : [`--${name}`, v])),
    ),
  ];
}

describe('mock-idp conform', () => {
  it('runs a command-line client through the cases, prints progress and the table, writes every ' +
    'report, exits 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mock-idp-conform-'));
    const only = [
      'happy-path',
      'id-token-aud-wrong',
      'idp-clock-ahead-outside-skew',
      'userinfo-sub-mismatch',
      'client-secret-post',
    ];
    const result = await runCli(
      conform({
        adapter: 'command',
        command: LOGIN,
        port: '0',
        cases: only.join(','),
        report: [
          join(dir, 'junit.xml'),
          join(dir, 'out', 'results.json'),
          join(dir, 'summary.md'),
          join(dir, 'report.html'),
        ],
      }),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/\[[1-5]\/5\] PASS MUST {3}happy-path {2}completed the flow/);
    expect(result.stdout).toMatch(/VERDICT\s+LEVEL\s+CASE\s+SPEC\s+WHY/);
    expect(result.stdout).toMatch(
      /PASS\s+MUST\s+id-token-aud-wrong\s+OIDC Core 3.1.3.7\s+rejected: \(exit-1\) exited with 1: mock-idp login: /,
    );
    // An IdP clock 5 minutes fast reaches a public client too (its client_id is only in the token request body).
    expect(result.stderr).toMatch(/PASS MAY {4}idp-clock-ahead-outside-skew {2}rejected: .*issued in the future/);
    expect(result.stdout).toMatch(
      /SKIP\s+MUST\s+userinfo-sub-mismatch\s+OIDC Core 5.3.2\s+the client never called userinfo/,
    );
    expect(result.stdout).toMatch(/SKIP\s+MUST\s+client-secret-post\s+\S.*\s+the client lacks: client-auth/);
    // The table fits 120 columns (WHY is cut), and passes show no requests without --verbose.
    const rows = result.stdout.split('\n').filter((line) => /^(VERDICT|PASS|FAIL|WARN|SKIP) /.test(line));
    expect(rows).toHaveLength(6);
    for (const line of rows) expect(line.length, line).toBeLessThanOrEqual(120);
    expect(result.stdout).not.toContain('requests:');
    expect(result.stdout).toMatch(
      new RegExp(
        /5 cases in [\d.]+ s: 3 pass, 0 fail, 0 warn, 0 info, 2 skip, 0 not delivered\. /.source +
          /No MUST case failed, and every fault was delivered\./.source,
      ),
    );

    const junit = await readFile(join(dir, 'junit.xml'), 'utf8');
    expect(junit).toContain('<testsuites name="mock-idp conformance" tests="5" failures="0"');
    // The JUnit report points to the HTML one written beside it.
    expect(junit).toContain('<property name="html-report" value="report.html"/>');
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toMatch(/^<!DOCTYPE html>[\s\S]*id="happy-path"/);
    const json = JSON.parse(await readFile(join(dir, 'out', 'results.json'), 'utf8')) as {
      summary: Record<string, number>;
      results: { id: string }[];
    };
    expect(json.summary).toEqual({ pass: 3, fail: 0, warn: 0, info: 0, skip: 2, 'not-delivered': 0 });
    expect(json.results.map((r) => r.id)).toEqual(cases.filter((c) => only.includes(c.id)).map((c) => c.id));
    expect(await readFile(join(dir, 'summary.md'), 'utf8')).toContain('| pass | MUST | `happy-path` |');
  }, 30_000);

  it("judges a web app's sign-out with --logout: RP-initiated logout, and its own session ended", async () => {
    const { port, app } = await exampleAppFor('/generic', 'generic-basic', 'generic-basic-secret');
    const dir = await mkdtemp(join(tmpdir(), 'mock-idp-conform-'));
    const result = await runCli(
      conform({
        adapter: 'web',
        url: app.url,
        whoami: '/me',
        logout: '/logout',
        port: String(port),
        cases: 'rp-logout,rp-logout-id-token-hint,rp-logout-other-state,rp-logout-no-state',
        report: join(dir, 'results.json'),
      }),
    );
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stderr).toMatch(/redirect URI http:\/\/127\.0\.0\.1:\d+\/callback or .*, post-logout redirect URI/);
    expect(result.stderr).toContain(`, post-logout redirect URI ${app.url}/\n`);
    expect(result.stdout).toMatch(/PASS\s+MUST\s+rp-logout\s+OIDC RP Logout 2 \+2\s+completed the flow/);
    const json = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as {
      results: { id: string; verdict: string; calls: string[] }[];
    };
    expect(json.results.map((r) => [r.id, r.verdict])).toEqual([
      ['rp-logout', 'pass'],
      ['rp-logout-id-token-hint', 'pass'],
      ['rp-logout-other-state', 'pass'],
      ['rp-logout-no-state', 'pass'],
    ]);
    expect(json.results[0]!.calls).toEqual(expect.arrayContaining(['end_session', 'end_session_confirm']));
    // The example app answers a state its /logout never sent with a 400 on its home page, its post-logout URI.
    expect(result.stdout).toMatch(
      /PASS\s+SHOULD\s+rp-logout-other-state\s+.*rejected: \(post-logout-refused\) the app answered the post-/,
    );
  }, 40_000);

  it("judges a web app's login initiation endpoint with --initiate-login: the third-party login cases", async () => {
    const { port, app } = await exampleAppFor('/generic', 'generic-basic', 'generic-basic-secret');
    const dir = await mkdtemp(join(tmpdir(), 'mock-idp-conform-'));
    const result = await runCli(
      conform({
        adapter: 'web',
        url: app.url,
        whoami: '/me',
        'initiate-login': '/login/initiate',
        port: String(port),
        cases:
          'third-party-login,third-party-login-post,third-party-login-hint,third-party-login-target-link-foreign,' +
          'third-party-login-iss-foreign',
        report: join(dir, 'results.json'),
      }),
    );
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/PASS\s+MUST\s+third-party-login\s+OIDC Registration 2 \+1\s+completed the flow/);
    const json = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as {
      results: { id: string; verdict: string }[];
    };
    expect(json.results.map((r) => [r.id, r.verdict])).toEqual([
      ['third-party-login', 'pass'],
      ['third-party-login-post', 'pass'],
      ['third-party-login-hint', 'pass'],
      ['third-party-login-target-link-foreign', 'pass'],
      ['third-party-login-iss-foreign', 'pass'],
    ]);
    const command = await runCli(conform({ adapter: 'command', command: 'true', 'initiate-login': '/x' }));
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('--initiate-login: only for --adapter web');
  }, 40_000);

  it('refuses --logout-method or --post-logout-redirect-uri without --logout, and --logout for a command', async () => {
    const web = await runCli(conform({ adapter: 'web', url: 'http://127.0.0.1:1', 'logout-method': 'POST' }));
    expect(web.code).toBe(2);
    expect(web.stderr).toContain("--logout-method and --post-logout-redirect-uri describe the app's --logout");
    const command = await runCli(conform({ adapter: 'command', command: 'true', logout: '/logout' }));
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('--logout: only for --adapter web');
  });

  it('exits 1 when a MUST case fails, and shows the requests the IdP saw', async () => {
    const result = await runCli(
      conform({ adapter: 'command', command: 'echo "no login for you" >&2; exit 4', port: '0', cases: 'happy-path' }),
    );
    expect(result.code).toBe(1);
    // A failure shows every column, then all its spec references and the requests the IdP saw.
    expect(result.stdout).toMatch(
      new RegExp(
        /FAIL\s+MUST\s+happy-path\s+OIDC Core 3.1\s+failed a valid flow: \(exit-4\) /.source +
          /exited with 4: no login for you\n\s+spec: OIDC Core 3.1\n\s+requests: none\n/.source,
      ),
    );
    expect(result.stdout).toContain('A MUST case failed.');
  });

  it('tests a web app black-box, the app pointed at the issuer the kit serves', async () => {
    const { port, app } = await exampleAppFor('/generic', 'my-app', 'my-app-secret');
    const result = await runCli(
      conform({
        adapter: 'web',
        url: app.url,
        login: '/login',
        whoami: '/me',
        'client-id': 'my-app',
        'client-secret': 'my-app-secret',
        port: String(port),
        verbose: true,
        cases:
          'happy-path,open-redirect-return-to,error-description-escaped,id-token-nonce-wrong,' +
          'key-rotation-nth-login,key-rotation-old-key-retired',
      }),
    );
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stderr).toContain(
      `the app must use issuer http://127.0.0.1:${port}/generic, client_id my-app, redirect URI ${app.url}/callback`,
    );
    expect(result.stderr).not.toContain('assuming');
    expect(result.stdout).toMatch(/PASS\s+MUST\s+open-redirect-return-to\s+RFC 9700 4.11.1\s/);
    expect(result.stdout).toMatch(/PASS\s+MUST\s+error-description-escaped/);
    // Key rotation, black-box: armed on the app's client_id, and the app fetched the JWKS again for the new key.
    expect(result.stdout).toMatch(
      new RegExp(
        /PASS\s+MUST\s+key-rotation-nth-login\s+OIDC Core 10.1.1\s+completed the /.source +
          /flow\n\s+requests: (discovery > )?authorization > token > (jwks > )?userinfo > /.source +
          /authorization > token > jwks > userinfo\n/.source,
      ),
    );
    expect(result.stdout).toMatch(
      /SKIP\s+MUST\s+key-rotation-old-key-retired\s+OIDC Core 10.1.1\s+the client lacks: issuer-url\n/,
    );
    // --verbose: the requests of every case that ran, passes included.
    expect(result.stdout).toMatch(
      new RegExp(
        /PASS\s+MUST\s+happy-path\s+OIDC Core 3.1\s+completed the /.source +
          /flow\n\s+requests: (discovery > )?authorization > token > (jwks > )?userinfo\n/.source,
      ),
    );
  }, 30_000);

  it("runs the issue's command line as written: the profile's web client assumed, --login " +
    '/login, the default success rule, every report', async () => {
    // What a developer has after `docker compose up`: the app configured with the generic profile's generic-basic
    // client.
    const { port, app } = await exampleAppFor('/generic', 'generic-basic', 'generic-basic-secret');
    const dir = await mkdtemp(join(tmpdir(), 'mock-idp-conform-'));
    const only = [
      'happy-path',
      'state-altered',
      'id-token-aud-wrong',
      'key-rotation-nth-login',
      'key-rotation-before-signing',
      'client-secret-post',
    ];
    const result = await runCli(
      conform({
        adapter: 'web',
        url: app.url,
        login: '/login',
        port: String(port),
        cases: only.join(','),
        report: [join(dir, 'junit.xml'), join(dir, 'results.json'), join(dir, 'summary.md')],
      }),
    );
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stderr).toContain(
      "no --client-id: assuming the generic profile's web client generic-basic (secret " +
        'generic-basic-secret, client_secret_basic), from fixtures/clients/generic.json',
    );
    expect(result.stderr).toContain(
      `the app must use issuer http://127.0.0.1:${port}/generic, client_id generic-basic, ` +
        `redirect URI ${app.url}/callback`,
    );
    const json = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as {
      results: { id: string; verdict: string; reason: string }[];
    };
    expect(Object.fromEntries(json.results.map((r) => [r.id, r.verdict]))).toEqual({
      'happy-path': 'pass',
      'state-altered': 'pass',
      'id-token-aud-wrong': 'pass',
      'key-rotation-nth-login': 'pass',
      'key-rotation-before-signing': 'pass',
      'client-secret-post': 'skip',
    });
    expect(json.results.find((r) => r.id === 'client-secret-post')!.reason).toContain('registration is fixed');
    expect(result.stdout).toMatch(
      new RegExp(
        /6 cases in [\d.]+ s: 5 pass, 0 fail, 0 warn, 0 info, 1 skip, 0 not delivered\. /.source +
          /No MUST case failed, and every fault was delivered\./.source,
      ),
    );
    expect(await readFile(join(dir, 'junit.xml'), 'utf8')).toContain('tests="6" failures="0"');
    expect(await readFile(join(dir, 'summary.md'), 'utf8')).toContain(
      '| pass | MUST | `key-rotation-before-signing` |',
    );
  }, 40_000);

  it('never passes a case whose request the IdP refused: an app set up with another redirect ' +
    'URI gets "not delivered" on every case, even those that expect a rejection', async () => {
    const { port, app } = await exampleAppFor('/generic', 'generic-basic', 'generic-basic-secret');
    // The app sends http://127.0.0.1:<port>/callback; --url names localhost, so the kit registers that name instead.
    const elsewhere = app.url.replace('127.0.0.1', 'localhost');
    const result = await runCli(
      conform({
        adapter: 'web',
        url: elsewhere,
        whoami: '/me',
        port: String(port),
        cases: 'happy-path,id-token-aud-wrong,state-altered',
      }),
    );
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(1);
    // The assumed fixture client keeps the redirect URIs it is registered with, beside the one --url implies.
    expect(result.stderr).toContain(
      `redirect URI ${elsewhere}/callback or http://127.0.0.1:3000/callback or http://localhost:3000/callback`,
    );
    for (const id of ['happy-path', 'id-token-aud-wrong', 'state-altered']) {
      expect(result.stdout).toMatch(new RegExp(`NOT-DELIVERED\\s+(MUST|SHOULD)\\s+${id}\\s`));
    }
    expect(result.stdout).toMatch(
      new RegExp(
        /why: (the fault was never served: )?mock-idp refused the client's authorization /.source +
          /request \(400( invalid_redirect_uri)?\); the client said \(idp_refused\) the /.source +
          /identity provider refused the app's request at \/generic\/auth \(400\)/.source,
      ),
    );
    expect(result.stdout).toMatch(
      /0 pass, 0 fail, 0 warn, 0 info, 0 skip, 3 not delivered\. Some faults never reached the client/,
    );
    expect(result.stdout).toContain("check the app's issuer, client_id, secret and redirect URI");
  }, 30_000);

  it('tests a web app on the okta profile: its issuer, its okta-web client, its own case, ' +
    '--login defaulting to /login', async () => {
    const { port, issuer, app } = await exampleAppFor('/okta/oauth2/default', 'okta-web', 'okta-web-secret');
    const result = await runCli(
      conform({
        adapter: 'web',
        url: app.url,
        profile: 'okta',
        whoami: '/me',
        port: String(port),
        cases:
          'happy-path,okta-token-params-in-body,auth0-trailing-slash-issuer,id-token-iss-wrong,' +
          'iss-param-missing,key-rotation-nth-login,userinfo-sub-mismatch',
      }),
    );
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stderr).toContain(
      "assuming the okta profile's web client okta-web (secret okta-web-secret, " +
        'client_secret_basic), from fixtures/clients/okta.json',
    );
    expect(result.stdout).toContain(`web app at ${app.url} against ${issuer}`);
    const rows = Object.fromEntries(
      [...result.stdout.matchAll(/^(PASS|FAIL|WARN|SKIP)\s+(?:MUST|SHOULD)\s+(\S+)/gm)].map((m) => [m[2], m[1]]),
    );
    expect(rows).toEqual({
      'happy-path': 'PASS',
      'okta-token-params-in-body': 'PASS',
      'auth0-trailing-slash-issuer': 'SKIP',
      'id-token-iss-wrong': 'PASS',
      'iss-param-missing': 'SKIP',
      'key-rotation-nth-login': 'PASS',
      // Its refusal counts: userinfo-claims-only, run unreported beside it, shows it signs in on such an ID token.
      'userinfo-sub-mismatch': 'PASS',
    });
    expect(result.stdout).toMatch(/SKIP\s+MUST\s+auth0-trailing-slash-issuer\s+.*only for auth0 issuers/);
    // Okta does not advertise RFC 9207 iss: the case that needs it says so.
    expect(result.stdout).toMatch(
      /SKIP\s+SHOULD\s+iss-param-missing\s+RFC 9207 2.4\s+the issuer does not advertise authorization_response/,
    );
  }, 30_000);

  it('judges the final page by --success-url when the app has no who-am-I page', async () => {
    const { port, app } = await exampleAppFor('/generic', 'generic-basic', 'generic-basic-secret');
    // The example app ends a login on /me: that is the logged-in page, and a wrong URL rule fails the valid login.
    const onMe = await runCli(
      conform({
        adapter: 'web',
        url: app.url,
        'success-url': '/me',
        port: String(port),
        cases: 'happy-path,id-token-aud-wrong',
      }),
    );
    expect(onMe.code, `${onMe.stdout}\n${onMe.stderr}`).toBe(0);
    expect(onMe.stdout).toMatch(/PASS\s+MUST\s+happy-path\s+\S.*completed the flow/);
    const elsewhere = await runCli(
      conform({ adapter: 'web', url: app.url, 'success-url': '/dashboard', port: String(port), cases: 'happy-path' }),
    );
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stdout).toMatch(
      /FAIL\s+MUST\s+happy-path\s+OIDC Core 3.1\s+failed a valid flow: \/me is not \/dashboard/,
    );
  }, 30_000);

  it('presses the sign-in button of an app whose login starts on a page with --login-form', async () => {
    const port = await freePort();
    const app = await startButtonWebApp({
      issuer: `http://127.0.0.1:${port}/generic`,
      clientId: 'generic-basic',
      clientSecret: 'generic-basic-secret',
    });
    onTestFinished(() => app.close());
    const result = await runCli(
      conform({
        adapter: 'web',
        url: app.url,
        login: '/',
        'login-form': true,
        whoami: '/me',
        port: String(port),
        cases: 'happy-path,id-token-aud-wrong',
      }),
    );
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/PASS\s+MUST\s+happy-path\s+\S.*completed the flow/);
    const named = await runCli(
      conform({
        adapter: 'web',
        url: app.url,
        login: '/',
        'login-form': 'form[action="/search"]',
        whoami: '/me',
        port: String(port),
        cases: 'happy-path',
      }),
    );
    expect(named.code).toBe(1);
    // The named form was pressed: it was the search, which starts no login.
    expect(named.stdout).toMatch(/why: failed a valid flow: the app showed "Not Found" at \/search \(404\)/);
  }, 30_000);

  it("tests a single-page app in Chromium with --adapter spa, the profile's public client assumed", async () => {
    const port = await freePort();
    const app = await startTestSpa({
      issuer: `http://127.0.0.1:${port}/generic`,
      clientId: 'generic-spa',
      flavor: 'oidc-client-ts',
    });
    onTestFinished(() => app.close());
    const result = await runCli(
      conform({
        adapter: 'spa',
        url: `${app.url}/`,
        'sign-in': '#sign-in',
        session: '#session',
        failure: '#error',
        chromium: CHROMIUM,
        port: String(port),
        // Room for Chromium on a loaded machine: the adapter answers well before this, once the app has settled.
        timeout: '20',
        cases: 'happy-path,state-altered,id-token-aud-wrong',
      }),
    );
    // oidc-client-ts checks state but not aud (see test/conformance/spa.test.ts): one MUST failed, exit 1.
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(1);
    expect(result.stderr).toContain(
      "no --client-id: assuming the generic profile's public client generic-spa (none), from fixtures/clients/",
    );
    expect(result.stderr).toContain(`redirect URI ${app.url}/callback or http://127.0.0.1:3000/callback`);
    expect(result.stdout, result.stderr).toMatch(/PASS\s+MUST\s+happy-path\s/);
    // With PKCE, the state check is a SHOULD (RFC 9700 2.1).
    expect(result.stdout).toMatch(/PASS\s+SHOULD\s+state-altered\s+RFC 6749 10.12.*No matching state/);
    expect(result.stdout).toMatch(/FAIL\s+MUST\s+id-token-aud-wrong\s.*accepted a response it must reject/);
  }, 60_000);

  it.each([
    [['conform'], /required option '--adapter <kind>'/],
    [['conform', '--adapter', 'web', '--client-id', 'x'], /--adapter web needs --url/],
    [
      ['conform', '--adapter', 'web', '--url', 'http://127.0.0.1:3000', '--client-secret', 's'],
      /--client-secret and --token-endpoint-auth-method describe your --client-id/,
    ],
    [
      [
        'conform',
        '--adapter',
        'web',
        '--url',
        'http://127.0.0.1:3000',
        '--whoami',
        '/me',
        '--success-url',
        '/dashboard',
      ],
      /--success-url judges the page the login ends on; --whoami judges its own page/,
    ],
    [
      ['conform', '--adapter', 'web', '--url', 'http://127.0.0.1:3000', '--success-url', 'dashboard'],
      /--success-url dashboard: not a URL/,
    ],
    [
      ['conform', '--adapter', 'command', '--command', 'true', '--success-url', '/x'],
      /--success-url: only for --adapter web/,
    ],
    [['conform', '--adapter', 'command', '--command', 'true', '--login-form'], /--login-form: only for --adapter web/],
    [
      ['conform', '--adapter', 'web', '--url', 'http://127.0.0.1:3000', '--login-form', ''],
      /--login-form takes a form's CSS selector/,
    ],
    [
      ['conform', '--adapter', 'command', '--command', 'true', '--clock-tolerance', 'lots'],
      /expected a number of seconds, 0 or more/,
    ],
    [
      ['conform', '--adapter', 'web', '--url', 'http://127.0.0.1:3000', '--jwks-refetch-interval', 'soon'],
      /expected a number of seconds, 0 or more/,
    ],
    [['conform', '--adapter', 'command'], /--adapter command needs --command/],
    [
      ['conform', '--adapter', 'web', '--url', 'localhost:3000', '--client-id', 'x'],
      /--url localhost:3000: not an http\(s\) URL/,
    ],
    [['conform', '--adapter', 'command', '--command', 'true', '--url', 'http://x'], /--url: only for --adapter web/],
    [
      ['conform', '--adapter', 'command', '--command', 'true', '--report', 'out.pdf'],
      /--report out\.pdf: name it \.xml \(JUnit\), \.json, \.md or \.html/,
    ],
    [['conform', '--adapter', 'command', '--command', 'true', '--cases', 'happy-path,nope'], /unknown case\(s\): nope/],
    [['conform', '--adapter', 'command', '--command', 'true', '--profile', 'nope'], /unknown profile "nope"/],
    [['conform', '--adapter', 'telnet'], /argument 'telnet' is invalid/],
    [['conform', '--adapter', 'spa', '--session', '#user'], /--adapter spa needs --url/],
    [['conform', '--adapter', 'spa', '--url', 'http://127.0.0.1:5173/'], /--adapter spa needs --session/],
    [
      ['conform', '--adapter', 'spa', '--url', 'http://127.0.0.1:5173/', '--session', '#u', '--whoami', '/me'],
      /--whoami: only for --adapter web/,
    ],
    [
      ['conform', '--adapter', 'web', '--url', 'http://127.0.0.1:3000', '--session', '#u', '--chromium', '/x'],
      /--session, --chromium: only for --adapter spa/,
    ],
    [['conform', '--adapter', 'command', '--command', 'true', '--sign-in', '#b'], /--sign-in: only for --adapter spa/],
    [
      ['conform', '--adapter', 'spa', '--url', 'http://127.0.0.1:5173/', '--session', '#u', '--settle', 'soon'],
      /whole number of milliseconds/,
    ],
    [
      ['conform', '--adapter', 'spa', '--url', 'http://127.0.0.1:5173/', '--session', '#u', '--settle', '4000'],
      /--settle 4000 leaves the app no time to log in within --timeout 10: raise --timeout/,
    ],
    [
      ['conform', '--adapter', 'spa', '--url', 'http://127.0.0.1:5173/', '--session', '#u', '--sign-in', ''],
      /--sign-in takes a CSS selector/,
    ],
    [
      [
        'conform',
        '--adapter',
        'spa',
        '--url',
        'http://x/',
        '--session',
        '#u',
        '--token-endpoint-auth-method',
        'client_secret_post',
      ],
      /--adapter spa tests a public client/,
    ],
    [
      ['conform', '--adapter', 'spa', '--url', 'http://127.0.0.1:5173/', '--session', '#u', '--login', '/login'],
      /--login: only for --adapter web \(spa: --url is the page that starts a login\)/,
    ],
    [['conform', '--adapter', 'command', '--command', 'true', '--concurrency', '0'], /whole number from 1 to 64/],
  ])('exits 2 on a usage error: %j', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('exits 1 with a plain message when the app never answers', async () => {
    const port = await freePort();
    const result = await runCli(
      conform({ adapter: 'web', url: `http://127.0.0.1:${port}`, 'client-id': 'x', port: '0', wait: '0.5' }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `mock-idp conform: the app at http://127.0.0.1:${port} did not answer within 0.5 s ` +
        `(ECONNREFUSED); start it, or raise --wait`,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it(
    'lays out the summary: SPEC on every row, WHY cut to the width, and for a warning its full ' +
      'reason, references and requests',
    () => {
      const result = (
        id: string,
        verdict: CaseResult['verdict'],
        reason: string,
        refs: string[],
        calls: string[],
      ): CaseResult => ({
        id,
        title: id,
        area: 'id-token',
        aliases: [],
        level: 'SHOULD',
        refs,
        verdict,
        reason,
        outcome: verdict === 'skip' ? { ok: false, message: 'skipped' } : { ok: true },
        calls,
        durationMs: 1,
      });
      const long = `accepted a response it must reject, ${'and then some more words '.repeat(4)}`.trim();
      const report: ConformanceReport = {
        client: 'c',
        issuer: 'http://127.0.0.1/generic',
        startedAt: '',
        durationMs: 1000,
        passed: true,
        summary: { pass: 1, fail: 0, warn: 1, info: 0, skip: 1, 'not-delivered': 0 },
        results: [
          result(
            'id-token-iat-future',
            'warn',
            long,
            ['OIDC Core 3.1.3.7 (10)', 'RFC 7519 4.1.6'],
            ['authorization', 'token', 'userinfo'],
          ),
          result(
            'backchannel-logout-alg-none',
            'pass',
            'rejected: (http-400) alg none',
            ['OIDC Back-Channel Logout 1.0 2.6 (4)'],
            ['authorization', 'token'],
          ),
          result('jwks-slow', 'skip', 'the client lacks: issuer-url', [], []),
        ],
      };
      const lines = summaryTable(report, { width: 100 }).split('\n');
      expect(lines[2]).toMatch(/^VERDICT LEVEL {2}CASE {25}SPEC {18}WHY$/);
      expect(lines[3]).toMatch(
        /^WARN {4}SHOULD id-token-iat-future {10}OIDC Core 3.1.3.7 \+1 {2}accepted a response it must rejec…$/,
      );
      expect(lines[3]).toHaveLength(100);
      expect(lines.slice(4, 7)).toEqual([
        `${' '.repeat(15)}why: ${long}`,
        `${' '.repeat(15)}spec: OIDC Core 3.1.3.7 (10); RFC 7519 4.1.6`,
        `${' '.repeat(15)}requests: authorization > token > userinfo`,
      ]);
      expect(lines[7]).toMatch(
        /^PASS {4}SHOULD backchannel-logout-alg-none {2}OIDC BCL 2.6 {10}rejected: \(http-400\) alg none$/,
      );
      expect(lines[8]).toMatch(/^SKIP {4}SHOULD jwks-slow {20}- {21}the client lacks: issuer-url$/);
      // --verbose: the requests of a pass too, never of a skip (nothing ran).
      const verbose = summaryTable(report, { verbose: true }).split('\n');
      expect(verbose[verbose.findIndex((l) => l.startsWith('PASS')) + 1]).toBe(
        `${' '.repeat(15)}requests: authorization > token`,
      );
      expect(verbose[verbose.findIndex((l) => l.startsWith('SKIP')) + 1]).toBe('');
    },
  );

  it('lists the catalog', async () => {
    const result = await runCli(['conform', '--list']);
    expect(result.code).toBe(0);
    const ids = result.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/)[0]);
    expect(ids).toEqual(cases.map((c) => c.id));
    expect(result.stdout).toMatch(/open-redirect-return-to\s+MUST\s+web-app\s+.*\[web\]/);
  });
});
