import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MockIdp } from '../../mock-idp/index.js';
import { BROWSER_TIMEOUTS, launchChromium, SCREENSHOTS_TIMEOUT, screenshot } from '../helpers/browser.js';
import { startTestIdp } from '../helpers/idp.js';

vi.setConfig(BROWSER_TIMEOUTS);

const OUTPUT = 'test/output';
let idp: MockIdp;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  idp = await startTestIdp({ login: 'page' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await idp?.close();
});

async function consolePage(
  options: { colorScheme?: 'light' | 'dark'; width?: number; height?: number } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    colorScheme: options.colorScheme ?? 'light',
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
  });
  const page = await context.newPage();
  await page.goto(`${idp.url}/`);
  await page.locator('#live', { hasText: 'live' }).waitFor();
  return { context, page };
}

/** Presses "Try a login" on a client and approves the first user on the login page. */
async function tryLogin(page: Page, issuer: string, clientId: string): Promise<void> {
  await page.locator(`button.try-login[data-issuer="${issuer}"][data-client="${clientId}"]`).click();
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.waitForURL(/\/_console\/callback\?/);
}

describe('the web console in Chromium', () => {
  it('runs a code + PKCE login from the overview and shows the tokens decoded', async () => {
    const { context, page } = await consolePage();
    expect(await page.locator('h1, h2').first().textContent()).toBe('Issuers');
    expect(await page.locator('article.issuer').count()).toBe(idp.describe().length);
    const secretButton = page.locator('button.reveal[data-issuer="generic"][data-client="generic-basic"]');
    const secret = page.locator('#issuer-generic .client', { has: secretButton }).locator('code.secret');
    expect(await secret.isHidden()).toBe(true);
    await secretButton.click();
    await expect.poll(() => secret.textContent()).toBe('generic-basic-secret');

    await tryLogin(page, 'generic', 'generic-basic');
    expect(await page.locator('h3').first().textContent()).toContain('Logged in');
    const idToken = page.locator('.jwt[data-kind="ID token"]');
    expect(await idToken.locator('pre.json').nth(1).textContent()).toContain('"aud": "generic-basic"');
    expect(await idToken.locator('li.ok', { hasText: 'signature' }).count()).toBe(1);
    expect(await idToken.locator('li.bad').count()).toBe(0);
    expect(await page.locator('pre.json', { hasText: '"sub"' }).count()).toBeGreaterThan(0);
    await screenshot(page, { path: `${OUTPUT}/console-login-light-1280.png`, fullPage: true });
    // The console's callback is registered by an explicit admin call, next to the client's own URIs.
    const uris = idp
      .describe()
      .find((i) => i.name === 'generic')!
      .clients.find((c) => c.client_id === 'generic-basic')!.redirect_uris;
    expect(uris).toEqual(expect.arrayContaining(['http://127.0.0.1:3000/callback', `${idp.url}/_console/callback`]));
    await context.close();
  });

  it('streams the request log live and draws a login as a sequence diagram', async () => {
    const { context, page } = await consolePage();
    await tryLogin(page, 'generic', 'generic-basic');
    await page.goto(`${idp.url}/`);
    await page.locator('#live', { hasText: 'live' }).waitFor();
    await page.locator('#v-requests').click();
    const before = await page.locator('#requests details.req').count();
    // A request made outside the browser appears without a reload: a refused token request with its rule and fix.
    const refused = await fetch(`${idp.issuers.generic}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=authorization_code&code=nope&client_id=generic-basic&client_secret=wrong-secret',
    });
    expect(refused.status).toBe(401);
    const row = page.locator('#requests details.req.failed', { hasText: '/generic/token' }).first();
    await row.waitFor();
    expect(await page.locator('#requests details.req').count()).toBeGreaterThan(before);
    await row.locator('summary').click();
    expect(await row.locator('.help').textContent()).toMatch(/Rule broken: .*authenticate.*How to fix/s);
    expect(await row.textContent()).not.toContain('wrong-secret');

    await page.locator('#f-status').selectOption('failed');
    // The list is redrawn on the next animation frame.
    await expect.poll(() => page.locator('#requests details.req:not(.failed)').count()).toBe(0);
    expect(await page.locator('#requests details.req.failed').count()).toBeGreaterThan(0);
    await page.locator('#f-status').selectOption('');

    await page.locator('#v-logins').click();
    const diagram = page.locator('#logins .diagram', { hasText: 'generic · generic-basic' }).first();
    await diagram.waitFor();
    for (const step of ['authorize', 'login', 'callback', 'token', 'userinfo']) {
      expect(await diagram.locator('svg text', { hasText: step }).count(), step).toBeGreaterThan(0);
    }
    // An opened list of a login's requests stays open while new requests redraw the log.
    await diagram.locator('summary', { hasText: 'Requests of this login' }).click();
    const shown = await page.locator('#requests details.req').count();
    await fetch(`${idp.url}/healthz`);
    await page.locator('#requests details.req', { hasText: '/healthz' }).first().waitFor({ state: 'attached' });
    expect(await page.locator('#requests details.req').count()).toBeGreaterThanOrEqual(Math.min(shown, 300));
    expect(await diagram.locator('details', { hasText: 'Requests of this login' }).first().getAttribute('open')).toBe(
      '',
    );
    await context.close();
  });

  it('arms a scenario from the controls, and the next login shows the fault in the log', async () => {
    const { context, page } = await consolePage();
    await page.locator('#s-issuer').selectOption('generic');
    await page.locator('#s-client').selectOption('generic-post');
    await page.locator('#s-name').selectOption('id-token-aud-wrong');
    await page.locator('#c-scenario').getByRole('button', { name: 'Arm', exact: true }).click();
    await expect
      .poll(() => page.locator('#c-scenario output').textContent())
      .toContain('armed id-token-aud-wrong on generic-post');

    await tryLogin(page, 'generic', 'generic-post');
    expect(await page.getByRole('alert').textContent()).toContain('claim "aud"');
    await page.goto(`${idp.url}/#log`);
    await page.locator('#v-requests').click();
    const token = page.locator('#requests details.req', { hasText: 'generic-post · token' }).first();
    await token.locator('summary').click();
    // The details are filled when the row's toggle event runs.
    await expect.poll(() => token.textContent()).toContain('Scenario faults served: id_token');
    const served = token.locator('.jwt', { hasText: 'served with a fault' });
    await expect.poll(() => served.locator('li.bad', { hasText: 'aud' }).count()).toBe(1);
    expect(await token.locator('.jwt').count()).toBe(1);
    // The sticky header would cover the top of an element screenshot.
    await page.addStyleTag({ content: 'header.top{position:static}' });
    await screenshot(token, { path: `${OUTPUT}/console-request-light-1280.png` });

    await page.locator('#s-issuer').selectOption('generic');
    await page.locator('#s-client').selectOption('generic-post');
    await page.locator('#c-scenario').getByRole('button', { name: 'Disarm' }).click();
    await expect.poll(() => page.locator('#c-scenario output').textContent()).toBe('✓ disarmed');
    expect(idp.issuer('generic').scenarioFor('generic-post')).toBeUndefined();
    await context.close();
  });

  it('shifts and reads the clock, rotates a key and adds a user through the admin API', async () => {
    const { context, page } = await consolePage();
    await page.locator('#t-issuer').selectOption('okta');
    await page.locator('#t-offset').fill('120');
    await page.locator('#c-clock button', { hasText: 'Set' }).click();
    await expect.poll(() => page.locator('#c-clock output').textContent()).toContain('okta runs 120 s');
    expect(idp.admin.clockOffset('okta')).toBe(120);
    await page.locator('#t-offset').fill('0');
    await page.locator('#c-clock button', { hasText: 'Read' }).click();
    await expect.poll(() => page.locator('#t-offset').inputValue()).toBe('120');
    idp.admin.shiftClock('okta', 0);

    await page.locator('#k-issuer').selectOption('okta');
    await page.locator('#c-keys button', { hasText: 'Rotate' }).click();
    // Generating an RSA key takes a while on a loaded machine.
    await expect
      .poll(() => page.locator('#c-keys output').textContent(), { timeout: 20_000 })
      .toContain('new signing key');

    const kid = await page.locator('#k-kid').inputValue();
    await page.locator('#c-keys button', { hasText: 'Retire' }).click();
    await expect.poll(() => page.locator('#c-keys output').textContent()).toBe(`✓ retired ${kid}`);

    await page.locator('#u-issuer').selectOption('okta');
    await page.locator('#u-sub').fill('console-user');
    await page.locator('#u-name').fill('Connie Console');
    await page.locator('#c-user button', { hasText: 'Add' }).click();
    await expect.poll(() => page.locator('#c-user output').textContent()).toContain('user console-user saved');
    expect(await page.locator('#issuer-okta .user-chip', { hasText: 'Connie Console' }).count()).toBe(1);
    idp.admin.removeUser('okta', 'console-user');
    await context.close();
  });

  it('asks for the admin token when one is set, then streams and reveals with it', async () => {
    const token = 'console-browser-admin-token-42';
    const guarded = await startTestIdp({ profiles: ['generic'], login: 'page', adminToken: token });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${guarded.url}/`);
      await page.locator('#live', { hasText: 'needs the admin token' }).waitFor();
      await page.locator('#admin-token').fill(token);
      await page.getByRole('button', { name: 'Use' }).click();
      await page.locator('#live', { hasText: 'live' }).waitFor();
      await page.locator('button.reveal[data-client="generic-basic"]').click();
      await expect
        .poll(() => page.locator('#issuer-generic code.secret').first().textContent())
        .toBe('generic-basic-secret');
      await tryLogin(page, 'generic', 'generic-basic');
      expect(await page.locator('h3').first().textContent()).toContain('Logged in');
    } finally {
      await context.close();
      await guarded.close();
    }
  });

  it(
    'takes screenshots in light and dark at 1280 px and 390 px',
    async () => {
      // A login of its own, so the log in the pictures has a diagram whichever tests ran before.
      const login = await consolePage();
      await tryLogin(login.page, 'okta', 'okta-web');
      await login.context.close();
      for (const colorScheme of ['light', 'dark'] as const) {
        for (const [width, height] of [
          [1280, 800],
          [390, 844],
        ] as const) {
          const { context, page } = await consolePage({ colorScheme, width, height });
          await page.locator('#logins .diagram').first().waitFor();
          await screenshot(page, { path: `${OUTPUT}/console-${colorScheme}-${width}.png` });
          await page.locator('#log').scrollIntoViewIfNeeded();
          await page.evaluate(() => document.getElementById('log')!.scrollIntoView());
          await screenshot(page, { path: `${OUTPUT}/console-log-${colorScheme}-${width}.png` });
          await screenshot(page, { path: `${OUTPUT}/console-full-${colorScheme}-${width}.png`, fullPage: true });
          expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
          await context.close();
        }
      }
    },
    SCREENSHOTS_TIMEOUT,
  );
});
