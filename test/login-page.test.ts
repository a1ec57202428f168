import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import type { MockIdp } from '../mock-idp/index.js';
import { launchChromium } from './helpers/browser.js';
import { discover, REDIRECT_URI, startTestIdp } from './helpers/idp.js';

let idp: MockIdp;
let browser: Browser;
let config: client.Configuration;

beforeAll(async () => {
  idp = await startTestIdp({ profiles: ['generic'], login: 'page' });
  config = await discover(idp.issuers.generic!, 'generic-basic', client.ClientSecretBasic('generic-basic-secret'));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await idp?.close();
});

/** Opens the authorization URL in a fresh browser context; the client's callback is caught, not served. */
async function openLogin(): Promise<{ page: Page; verifier: string; state: string; callback: Promise<URL> }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  let resolveCallback!: (url: URL) => void;
  const callback = new Promise<URL>((resolve) => { resolveCallback = resolve; });
  await page.route(`${REDIRECT_URI}**`, async (route) => {
    resolveCallback(new URL(route.request().url()));
    await route.fulfill({ status: 200, contentType: 'text/plain', body: 'callback reached' });
  });
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI, scope: 'openid profile email', state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  await page.goto(url.href);
  return { page, verifier, state, callback };
}

describe('the login page in Chromium', () => {
  it('lists the users and logs in the one picked', async () => {
    const { page, verifier, state, callback } = await openLogin();
    expect(await page.locator('h1').textContent()).toContain('Confidential web app (client_secret_basic)');
    expect(await page.locator('label.user').count()).toBe(3);
    await page.getByText('Bob Brown').click();
    await page.getByRole('button', { name: 'Approve' }).click();
    const tokens = await client.authorizationCodeGrant(config, await callback, { pkceCodeVerifier: verifier, expectedState: state });
    expect(tokens.claims()).toMatchObject({ sub: 'bob', email: 'bob@example.com' });
    await page.context().close();
  });

  it('logs in a typed user with custom claims that reach the ID token and userinfo', async () => {
    const { page, verifier, state, callback } = await openLogin();
    await page.getByText('Someone else').click();
    await page.getByLabel('Subject (sub)').fill('carol');
    await page.getByLabel('Claims (JSON object)').fill('{"name":"Carol Custom","email":"carol@example.com","team":"qa"}');
    await page.getByRole('button', { name: 'Approve' }).click();
    const tokens = await client.authorizationCodeGrant(config, await callback, { pkceCodeVerifier: verifier, expectedState: state });
    expect(tokens.claims()).toMatchObject({ sub: 'carol', name: 'Carol Custom', team: 'qa' });
    expect(await client.fetchUserInfo(config, tokens.access_token, 'carol')).toMatchObject({ team: 'qa', email: 'carol@example.com' });
    await page.context().close();
  });

  it('shows an error and keeps the input when the claims are not JSON', async () => {
    const { page } = await openLogin();
    await page.getByText('Someone else').click();
    await page.getByLabel('Subject (sub)').fill('dave');
    await page.getByLabel('Claims (JSON object)').fill('{"name": ');
    await page.getByRole('button', { name: 'Approve' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Claims are not valid JSON');
    expect(await page.getByLabel('Subject (sub)').inputValue()).toBe('dave');
    await page.screenshot({ path: 'test/output/login-page-error.png', fullPage: true });
    await page.context().close();
  });

  it('returns access_denied to the client on Deny, with its state', async () => {
    const { page, state, callback } = await openLogin();
    await page.getByRole('button', { name: 'Deny' }).click();
    const url = await callback;
    expect(url.searchParams.get('error')).toBe('access_denied');
    expect(url.searchParams.get('state')).toBe(state);
    expect(url.searchParams.get('iss')).toBe(idp.issuers.generic);
    await page.context().close();
  });

  it('escapes HTML in user data', async () => {
    const { page } = await openLogin();
    await page.getByText('Someone else').click();
    await page.getByLabel('Subject (sub)').fill('<img src=x onerror=alert(1)>');
    await page.getByLabel('Claims (JSON object)').fill('[]');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.getByLabel('Subject (sub)').inputValue()).toBe('<img src=x onerror=alert(1)>');
    await page.context().close();
  });
});
