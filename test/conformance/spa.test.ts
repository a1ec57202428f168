import { describe, expect, it, onTestFinished, vi } from 'vitest';
import {
  type ClientAdapter,
  type ConformanceReport,
  runConformance,
  type SpaAdapterOptions,
  spaAdapter,
} from '../../conformance/index.js';
import type { SpaBehaviour } from '../../fixtures/apps/spa/page.js';
import { type SpaFlavor, startTestSpa } from '../../fixtures/apps/spa/server.js';
import { BROWSER_TIMEOUTS, CHROMIUM } from '../helpers/browser.js';
import { useIdp } from '../helpers/idp.js';

vi.setConfig(BROWSER_TIMEOUTS);

const idp = useIdp({ profiles: ['generic'] });
const CLIENT_ID = 'spa-under-test';
const SELECTORS = { signIn: '#sign-in', session: '#session', failure: '#error' } as const;

const verdicts = (report: ConformanceReport) => Object.fromEntries(report.results.map((r) => [r.id, r.verdict]));

/** How a test's adapter differs from the usual: `failure: null` for none. */
type AdapterChanges = Omit<Partial<SpaAdapterOptions>, 'failure'> & { failure?: string | null };

/** One of the test single-page apps, judged in Chromium on these cases, registered as a public client with PKCE. */
async function judgeSpa(
  flavor: SpaFlavor,
  only: string[],
  { failure = SELECTORS.failure, ...adapter }: AdapterChanges = {},
  behaviour: SpaBehaviour = {},
  // Room for Chromium on a loaded machine: the adapter answers well before this, once the app has settled.
  timeoutMs = 20_000,
): Promise<ConformanceReport> {
  const app = await startTestSpa({ issuer: idp().issuers.generic!, clientId: CLIENT_ID, flavor, ...behaviour });
  onTestFinished(() => app.close());
  return runConformance({
    idp: idp(),
    only,
    adapter: spaAdapter({
      url: app.url,
      signIn: SELECTORS.signIn,
      session: SELECTORS.session,
      ...(failure === null ? {} : { failure }),
      browser: { executablePath: CHROMIUM },
      ...adapter,
    }),
    client: { clientId: CLIENT_ID, tokenEndpointAuthMethod: 'none', redirectUris: [`${app.url}/callback`] },
    timeoutMs,
  });
}

describe('the spa adapter judges a single-page app in a real Chromium', () => {
  it('gives oidc-client-ts 3 the verdicts its code calls for', async () => {
    const report = await judgeSpa('oidc-client-ts', [
      'happy-path',
      'state-altered',
      'id-token-sub-missing',
      'userinfo-sub-mismatch',
      'id-token-aud-wrong',
      'id-token-iss-wrong',
      'id-token-signature-corrupt',
      'id-token-nonce-wrong',
      'open-redirect-return-to',
      'token-error-text-plain',
      'token-html-error',
      'userinfo-throttled',
      'userinfo-html-error',
    ]);
    expect(verdicts(report)).toEqual({
      'happy-path': 'pass',
      // ResponseValidator: "No matching state found in storage", "ID Token is missing a subject claim", and "subject
      // from UserInfo response does not match subject in ID Token" (loadUserInfo).
      'state-altered': 'pass',
      'id-token-sub-missing': 'pass',
      'userinfo-sub-mismatch': 'pass',
      // _validateIdTokenAttributes reads the ID token with JwtUtils.decode and checks sub and nonce only: no iss, no
      // aud (OIDC Core 3.1.3.7 steps 2 and 3 are MUSTs), no signature (step 6 lets the code flow rely on TLS).
      'id-token-aud-wrong': 'fail',
      'id-token-iss-wrong': 'fail',
      'id-token-signature-corrupt': 'warn',
      // signinRedirect sends no nonce in the code flow: PKCE protects the code.
      'id-token-nonce-wrong': 'skip',
      'open-redirect-return-to': 'pass',
      // "Invalid response Content-Type": JsonService throws on the headers and never reads the body, and Chromium
      // never finishes such a request; the kit counts it answered the quiet time after its headers.
      'token-error-text-plain': 'pass',
      'token-html-error': 'pass',
      'userinfo-throttled': 'pass',
      'userinfo-html-error': 'pass',
    });
    const rejected = report.results.find((r) => r.id === 'state-altered')!;
    expect(rejected.reason).toContain('No matching state found in storage');
  });

  it("catches a hand-written app's flaws in the browser, a redirect after the session shows included", async () => {
    const report = await judgeSpa('careless', [
      'happy-path',
      'state-altered',
      'id-token-sub-missing',
      'error-description-escaped',
      'open-redirect-return-to',
    ]);
    expect(verdicts(report)).toEqual({
      'happy-path': 'pass',
      // It never checks state; its PKCE is the CSRF protection RFC 9700 2.1 accepts, so a SHOULD.
      'state-altered': 'warn',
      'id-token-sub-missing': 'fail',
      'error-description-escaped': 'fail',
      // It goes to return_to 150 ms after showing the session: the kit waits for the app to be quiet.
      'open-redirect-return-to': 'fail',
    });
    const redirected = report.results.find((r) => r.id === 'open-redirect-return-to')!;
    expect(redirected.reason).toContain('https://attacker.example/landing');
  });

  it('stops an app that answers a refused response by logging in again, where the issuer redirected it', async () => {
    // The issuer's response comes by a redirect, which Playwright does not route: the kit sees it all the same.
    const report = await judgeSpa(
      'oidc-client-ts',
      ['happy-path', 'state-altered', 'id-token-sub-missing'],
      {},
      {
        retry: true,
      },
    );
    expect(verdicts(report)).toEqual({ 'happy-path': 'pass', 'state-altered': 'pass', 'id-token-sub-missing': 'pass' });
    for (const id of ['state-altered', 'id-token-sub-missing'])
      expect(report.results.find((r) => r.id === id)!.reason).toContain(
        "the app answered the identity provider's response at /callback by sending the browser to log in again",
      );
    // One that shows its session and then authorizes again (a step-up) has signed in: the faulty token was taken.
    const stepUp = await judgeSpa('careless', ['happy-path', 'id-token-aud-wrong'], {}, { stepUp: true });
    expect(verdicts(stepUp)).toEqual({ 'happy-path': 'pass', 'id-token-aud-wrong': 'fail' });
  });

  it('judges an app once it has settled, however it gets there', async () => {
    const cases = ['happy-path', 'id-token-aud-wrong'];
    const signedIn = { 'happy-path': 'pass', 'id-token-aud-wrong': 'fail' };
    // It keeps asking its server for news: signed in all the same, and its error a refusal, never "no answer".
    const polling = await judgeSpa('careless', [...cases, 'token-error-invalid-grant'], {}, { poll: true });
    expect(verdicts(polling)).toEqual({ ...signedIn, 'token-error-invalid-grant': 'pass' });
    // It pauses with nothing in flight before the session shows: with an error selector, the kit waits for one of them.
    expect(verdicts(await judgeSpa('careless', cases, {}, { pauseMs: 800 }))).toEqual(signedIn);
    // An error element hidden in the page from the start is no refusal: the kit waits for what the app shows.
    const hidden = await judgeSpa('careless', ['happy-path', 'state-altered'], {}, { hiddenError: true });
    expect(verdicts(hidden)).toEqual({ 'happy-path': 'pass', 'state-altered': 'warn' });
    // Nor is one that shows but says nothing, while the app pauses before its session.
    expect(verdicts(await judgeSpa('careless', cases, {}, { pauseMs: 800, emptyError: true }))).toEqual(signedIn);
  });

  it('calls an answer it cannot see "not delivered": a popup, a session selector that is wrong', async () => {
    const cases = ['happy-path', 'id-token-sub-missing'];
    const unseen = Object.fromEntries(cases.map((id) => [id, 'not-delivered']));
    const popup = await judgeSpa('careless', cases, {}, { popup: true });
    expect(verdicts(popup)).toEqual(unseen);
    expect(popup.results[0]!.reason).toContain('the app opened a window of its own');
    // Without an error selector, a refusal is the session's absence, which no login of this run has shown yet.
    const unmatched = await judgeSpa('oidc-client-ts', cases, { session: '#nope', failure: null });
    expect(verdicts(unmatched)).toEqual(unseen);
    expect(unmatched.results[0]!.reason).toContain("the run's valid login did not end showing #nope");
    // With one, an app that shows neither by the login's deadline has not answered; its error is a refusal.
    const neither = await judgeSpa('oidc-client-ts', cases, { session: '#nope' }, {}, 8_000);
    expect(verdicts(neither)).toEqual({ 'happy-path': 'not-delivered', 'id-token-sub-missing': 'pass' });
    expect(neither.results[0]!.reason).toMatch(/the app did not settle within \d+ ms: .*, neither #nope nor #error/);
    // A page whose script never lets go answers none of the kit's questions: the login ends at its deadline.
    const busy = await judgeSpa('careless', ['happy-path'], {}, { busy: true }, 8_000);
    expect(verdicts(busy)).toEqual({ 'happy-path': 'not-delivered' });
    expect(busy.results[0]!.reason).toMatch(/the app's page did not answer the kit within \d+ ms \(a busy script\?\)/);
    const broken = await judgeSpa('careless', cases, { session: '#session[' });
    expect(verdicts(broken)).toEqual(unseen);
    expect(broken.results[0]!.reason).toContain('while parsing css selector "#session["');
  });

  it('never passes a case it could not run: no Chromium, or no sign-in button', async () => {
    const cases = ['happy-path', 'state-altered', 'id-token-aud-wrong'];
    const noBrowser = await judgeSpa('oidc-client-ts', cases, {
      browser: { executablePath: '/nonexistent/chromium' },
    });
    expect(verdicts(noBrowser)).toEqual(Object.fromEntries(cases.map((id) => [id, 'not-delivered'])));
    expect(noBrowser.results[0]!.reason).toContain('/nonexistent/chromium');
    const noButton = await judgeSpa('oidc-client-ts', cases, { signIn: '#no-such-button' });
    expect(verdicts(noButton)).toEqual(Object.fromEntries(cases.map((id) => [id, 'not-delivered'])));
    expect(noButton.results[0]!.reason).toContain('#no-such-button');
  });
});

describe('the runner', () => {
  it("closes the adapter once the run is over, even when a case's client throws", async () => {
    const closed: string[] = [];
    const adapter: ClientAdapter = {
      name: 'throws',
      run: async () => {
        throw new Error('boom');
      },
      close: () => {
        closed.push('closed');
      },
    };
    const report = await runConformance({ idp: idp(), only: ['happy-path', 'state-altered'], adapter });
    expect(report.results).toHaveLength(2);
    expect(closed).toEqual(['closed']);
  });
});
