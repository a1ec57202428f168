import type { Browser } from 'playwright-core';

/**
 * Which Chromium to launch, and with what more flags (the spa adapter's SpaBrowserOptions, declared there: a public
 * type must not lead a user's type-check to this file, whose declarations need playwright-core's).
 */
interface LaunchChoice {
  executablePath?: string;
  args?: readonly string[];
}

// Headless, and off the network beyond the app and the issuer: no updates, sync or first-run pages of its own.
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * One Chromium for a run, started at its first use. A browser that went away (it crashed, or was closed) is started
 * again at the next use, so one crash costs the cases it was in, not the rest of the run.
 */
export function lazyChromium(options: LaunchChoice | undefined) {
  let browser: Promise<Browser> | undefined;
  return {
    get(): Promise<Browser> {
      if (browser) return browser;
      const started = launch(options);
      browser = started;
      const forget = () => {
        if (browser === started) browser = undefined;
      };
      started.then((launched) => launched.on('disconnected', forget), forget);
      return started;
    },
    async close(): Promise<void> {
      const started = browser;
      browser = undefined;
      await (await started?.catch(() => undefined))?.close();
    },
  };
}

async function launch(options: LaunchChoice | undefined): Promise<Browser> {
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (cause) {
    throw new Error('the spa adapter drives Chromium with playwright-core: npm i -D playwright-core', { cause });
  }
  return chromium.launch({
    ...(options?.executablePath ? { executablePath: options.executablePath } : {}),
    args: [...CHROMIUM_FLAGS, ...(options?.args ?? [])],
  });
}
