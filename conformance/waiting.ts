import type { UserAgent } from '../mock-idp/index.js';

/** Why a login that never finished did not, when its browser is still waiting for a page. */
export function waitingHint(browser: UserAgent | undefined): string | undefined {
  const waiting = browser?.waitingFor();
  return waiting && `the browser was still waiting for the answer to ${waiting}`;
}
