import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM_FLAGS } from '../../conformance/adapters/spa-browser.js';

export const CHROMIUM = '/usr/bin/chromium';

/** Debian's Chromium, headless, with the flags that keep it off the (closed) network. */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [...CHROMIUM_FLAGS],
  });
}

/**
 * Hang guards for a file that drives Chromium. Software rendering on a loaded two-core
 * machine, and a first launch that builds its font cache, take far longer than a plain
 * HTTP test; these are limits for a stuck browser, not expectations of speed.
 */
export const BROWSER_TIMEOUTS = { testTimeout: 90_000, hookTimeout: 90_000 } as const;
export const SCREENSHOTS_TIMEOUT = 240_000;

/**
 * A screenshot kept as a test artifact. Headless Chromium on a loaded two-core machine now and then has no frame to
 * give ("Unable to capture screenshot"): that one error is tried again, a little later, twice at most.
 */
export async function screenshot(
  target: { screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown> },
  options: { path: string; fullPage?: boolean },
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await target.screenshot(options);
      return;
    } catch (error) {
      if (attempt === 3 || !/Unable to capture screenshot/.test((error as Error).message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}
