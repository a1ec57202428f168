import type { Logger } from '../log/logger.js';

/**
 * A full store pushes out live codes, sessions and tokens, which then fail as
 * if revoked. That is worth a warning, but under load it happens per request:
 * one line at once, then one per ten seconds with the count.
 */
export function evictionWarning(issuer: string, storeSize: number, logger: Logger): (model: string) => void {
  let pending = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    if (pending)
      logger.warn(
        { issuer, evicted: pending, storeSize },
        `store full: ${pending} more unexpired entries pushed out; they now fail as unknown. Raise storeSize`,
      );
    pending = 0;
  };
  return (model) => {
    if (timer) {
      pending += 1;
      return;
    }
    logger.warn(
      { issuer, model, storeSize },
      `store full: an unexpired ${model} was pushed out and now fails as unknown. Raise storeSize`,
    );
    timer = setTimeout(flush, 10_000);
    timer.unref();
  };
}
