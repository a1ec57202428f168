import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Debian's Chromium, headless, with the flags that keep it off the (closed) network. */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Hang guards for a file that drives Chromium. Software rendering on a loaded two-core
 * machine, and a first launch that builds its font cache, take far longer than a plain
 * HTTP test; these are limits for a stuck browser, not expectations of speed.
 */
export const BROWSER_TIMEOUTS = { testTimeout: 90_000, hookTimeout: 90_000 } as const;
export const SCREENSHOTS_TIMEOUT = 240_000;
