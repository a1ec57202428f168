import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ConformanceReport, runConformance, toHtml, toJUnit } from '../../conformance/index.js';
import { flawedClients } from '../../fixtures/clients/flawed/index.js';
import { BROWSER_TIMEOUTS, launchChromium, SCREENSHOTS_TIMEOUT, screenshot } from '../helpers/browser.js';
import { useIdp } from '../helpers/idp.js';

vi.setConfig(BROWSER_TIMEOUTS);

const OUTPUT = join(import.meta.dirname, '..', 'output', 'html-report');
let browser: Browser;
let report: ConformanceReport;
let file: string;

const idp = useIdp({ profiles: ['generic'] });
beforeAll(async () => {
  browser = await launchChromium();
  // A client with one flaw: the report has a failure, passes and skips to show.
  const noAud = flawedClients.find((f) => f.flaw === 'no-aud-check')!;
  report = await runConformance({
    idp: idp(),
    adapter: noAud.adapter,
    only: [
      'happy-path',
      'id-token-aud-wrong',
      'id-token-iss-wrong',
      'id-token-at-hash-wrong',
      'form-post',
      'open-redirect-return-to',
    ],
  });
  mkdirSync(OUTPUT, { recursive: true });
  file = join(OUTPUT, 'report.html');
  writeFileSync(file, toHtml(report));
});
afterAll(async () => {
  await browser?.close();
});

describe('the HTML conformance report', () => {
  it(
    'is one self-contained page: the summary, every case with its verdict, the spec sentence, ' +
      'the decoded fault and the requests',
    async () => {
      const html = toHtml(report);
      // Nothing to fetch: it opens from a CI artifact, offline.
      expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
      const page = await browser.newPage();
      await page.goto(pathToFileURL(file).href);
      expect(await page.textContent('#summary')).toContain(`${report.results.length} cases`);
      expect(await page.locator('details.case').count()).toBe(report.results.length);
      const failed = page.locator('details.case#id-token-aud-wrong');
      expect(await failed.getAttribute('open')).not.toBeNull();
      expect(await failed.locator('.badge').textContent()).toBe('fail');
      const text = await failed.textContent();
      expect(text).toContain('OIDC Core 3.1.3.7 (3)');
      expect(text).toContain(
        'The ID Token MUST be rejected if the ID Token does not list the Client as a valid audience',
      );
      // The faulty ID token, decoded: the audience it was served with.
      expect(text).toContain('"aud": "some-other-client"');
      expect(text).toMatch(/POST\s*\/generic\/token\s*token\s*200\s*id_token/);
      await page.close();
    },
  );

  it('filters by verdict, and prints every case opened', async () => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(file).href);
    const passes = report.results.filter((r) => r.verdict === 'pass').length;
    expect(passes).toBeGreaterThan(0);
    await page.locator('input[data-verdict="pass"]').uncheck();
    expect(await page.locator('details.case.v-pass.hidden').count()).toBe(passes);
    expect(await page.locator('details.case:not(.hidden)').count()).toBe(report.results.length - passes);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('details.case.v-pass').first().isVisible()).toBe(true);
    const pdf = await page.pdf();
    expect(pdf.byteLength).toBeGreaterThan(10_000);
    await page.close();
  });

  it(
    "looks right in light and dark, at a laptop's and a phone's width (screenshots kept as " + 'test artifacts)',
    async () => {
      for (const [scheme, width] of [
        ['light', 1280],
        ['dark', 1280],
        ['light', 390],
        ['dark', 390],
      ] as const) {
        const page = await browser.newPage({ colorScheme: scheme, viewport: { width, height: 900 } });
        await page.goto(pathToFileURL(file).href);
        // No horizontal scroll at a phone's width: long ids and tokens wrap.
        expect(
          await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1),
          `${scheme} ${width}`,
        ).toBe(true);
        const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        expect(background, scheme).toBe(scheme === 'dark' ? 'rgb(13, 17, 23)' : 'rgb(255, 255, 255)');
        await screenshot(page, { path: join(OUTPUT, `report-${scheme}-${width}.png`), fullPage: false });
        await page.close();
      }
    },
    SCREENSHOTS_TIMEOUT,
  );

  it('is linked from the JUnit report written beside it', () => {
    expect(toJUnit(report, { html: 'report.html' })).toContain('<property name="html-report" value="report.html"/>');
    expect(toJUnit(report)).not.toContain('html-report');
  });
});
