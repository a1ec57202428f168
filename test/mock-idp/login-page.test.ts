import * as client from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BROWSER_TIMEOUTS, launchChromium, screenshot } from '../helpers/browser.js';
import { REDIRECT_URI, useIdp } from '../helpers/idp.js';
import { discoverGenericBasic } from '../helpers/login.js';

vi.setConfig(BROWSER_TIMEOUTS);

let browser: Browser;
let config: client.Configuration;

const idp = useIdp({ profiles: ['generic', 'okta'], login: 'page' });
beforeAll(async () => {
  config = await discoverGenericBasic(idp().issuers.generic!);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Opens the authorization URL in a fresh browser context; the client's callback is caught, not served. */
async function openLogin(): Promise<{ page: Page; verifier: string; state: string; callback: Promise<URL> }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  // Read from the browser's request, whatever answers it: the callback comes at the end of a redirect chain, where
  // page.route did not catch it while a server listened on the redirect URI's port (the example app, on 3000).
  const callback = page
    .waitForRequest((request) => request.url().startsWith(REDIRECT_URI), { timeout: 0 })
    .then((request) => new URL(request.url()));
  // A test that never reaches the callback closes the page under the wait; one that awaits it still sees why.
  callback.catch(() => undefined);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile email',
    state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  await page.goto(url.href);
  return { page, verifier, state, callback };
}

/** Approves the login as someone typed in: a subject and claims as JSON text. */
async function approveSomeoneElse(page: Page, sub: string, claims: string): Promise<void> {
  await page.getByText('Someone else').click();
  await page.getByLabel('Subject (sub)').fill(sub);
  await page.getByLabel('Claims (JSON object)').fill(claims);
  await page.getByRole('button', { name: 'Approve' }).click();
}

describe('the login page in Chromium', () => {
  it('lists the users and logs in the one picked', async () => {
    const { page, verifier, state, callback } = await openLogin();
    expect(await page.locator('h1').textContent()).toBe('Sign in to Confidential web app');
    expect(await page.locator('label.user').count()).toBe(2);
    await page.getByText('Bob Brown').click();
    await page.getByRole('button', { name: 'Approve' }).click();
    const tokens = await client.authorizationCodeGrant(config, await callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.claims()).toMatchObject({ sub: 'bob', email: 'bob@example.com' });
    await page.context().close();
  });

  it('logs in a typed user with custom claims that reach the ID token and userinfo', async () => {
    const { page, verifier, state, callback } = await openLogin();
    await approveSomeoneElse(page, 'carol', '{"name":"Carol Custom","email":"carol@example.com","team":"qa"}');
    const tokens = await client.authorizationCodeGrant(config, await callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.claims()).toMatchObject({ sub: 'carol', name: 'Carol Custom', team: 'qa' });
    expect(await client.fetchUserInfo(config, tokens.access_token, 'carol')).toMatchObject({
      team: 'qa',
      email: 'carol@example.com',
    });
    await page.context().close();
  });

  it('shows an error and keeps the input when the claims are not JSON', async () => {
    const { page } = await openLogin();
    await approveSomeoneElse(page, 'dave', '{"name": ');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Claims are not valid JSON');
    expect(await page.getByLabel('Subject (sub)').inputValue()).toBe('dave');
    await screenshot(page, { path: 'test/output/login-page-error.png', fullPage: true });
    await page.context().close();
  });

  it('returns access_denied to the client on Deny, with its state', async () => {
    const { page, state, callback } = await openLogin();
    await page.getByRole('button', { name: 'Deny' }).click();
    const url = await callback;
    expect(url.searchParams.get('error')).toBe('access_denied');
    expect(url.searchParams.get('state')).toBe(state);
    expect(url.searchParams.get('iss')).toBe(idp().issuers.generic);
    await page.context().close();
  });

  it('shows the auth method beside the client, not in the title, and labels the scope list', async () => {
    const { page } = await openLogin();
    expect(await page.locator('h1').textContent()).not.toContain('client_secret_basic');
    expect(await page.locator('p.sub').first().textContent()).toBe(
      'Issuer generic · client generic-basic · authenticates with client_secret_basic',
    );
    const scopes = page.getByRole('list', { name: 'Requested scopes' });
    expect(await scopes.getByRole('listitem').allTextContents()).toEqual(['openid', 'profile', 'email']);
    await page.context().close();
  });

  it('has one control for someone else: its fields show once it is chosen', async () => {
    const { page } = await openLogin();
    expect(await page.getByText('Custom user').count()).toBe(0);
    expect(await page.locator('details').count()).toBe(0);
    expect(await page.getByRole('radio').count()).toBe(4);
    expect(await page.getByLabel('Subject (sub)').isVisible()).toBe(false);
    await page.getByText('Someone else').click();
    expect(await page.getByRole('radio', { name: /Someone else/ }).isChecked()).toBe(true);
    expect(await page.getByRole('group', { name: 'Someone else' }).getByLabel('Subject (sub)').isVisible()).toBe(true);
    await screenshot(page, { path: 'test/output/login-page-someone-else.png', fullPage: true });
    await page.getByText('Bob Brown').click();
    expect(await page.getByLabel('Subject (sub)').isVisible()).toBe(false);
    await page.context().close();
  });

  it("shows an Okta user's email login once, without an @ in front", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const url = new URL(`${idp().issuers.okta}/v1/authorize`);
    url.search = new URLSearchParams({
      client_id: 'okta-web',
      response_type: 'code',
      scope: 'openid profile',
      redirect_uri: REDIRECT_URI,
      state: 's',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();
    await page.goto(url.href);
    const alice = page.locator('label.user', { hasText: 'Alice Adams' });
    const text = await alice.textContent();
    expect(text).not.toContain('@alice@example.com');
    expect(text!.match(/alice@example\.com/g)).toHaveLength(1);
    await screenshot(page, { path: 'test/output/login-page-okta.png', fullPage: true });
    await context.close();
  });

  it('escapes HTML in user data', async () => {
    const { page } = await openLogin();
    await approveSomeoneElse(page, '<img src=x onerror=alert(1)>', '[]');
    await page.getByRole('alert').waitFor();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.getByLabel('Subject (sub)').inputValue()).toBe('<img src=x onerror=alert(1)>');
    await page.context().close();
  });
});

describe('the error pages in Chromium', () => {
  it(
    'a refused redirect_uri shows the URI sent, the closest registered one marked, and the ' +
      'fix, at phone width too',
    async () => {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
      const page = await context.newPage();
      const sent = 'http://127.0.0.1:3000/callbak';
      const url = new URL(`${idp().issuers.generic}/auth`);
      url.search = new URLSearchParams({
        client_id: 'generic-basic',
        response_type: 'code',
        scope: 'openid',
        redirect_uri: sent,
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      }).toString();
      const answer = await page.goto(url.href);
      expect(answer?.status()).toBe(400);
      expect(await page.locator('code.sent').textContent()).toBe(sent);
      expect(await page.locator('mark').textContent()).toBe(REDIRECT_URI);
      expect(await page.locator('pre[data-kind=admin]').textContent()).toContain(
        `${idp().url}/_admin/issuers/generic/clients/generic-basic/redirect_uris`,
      );
      // The snippets scroll inside the card rather than widening the page.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await screenshot(page, { path: 'test/output/error-redirect-uri.png', fullPage: true });
      await context.close();
    },
  );
});
