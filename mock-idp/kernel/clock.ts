import Provider from 'oidc-provider';

const realNow = Date.now.bind(Date);
/** Offset in milliseconds, by oidc-provider instance (the Koa app of a request's ctx). */
const offsets = new WeakMap<object, number>();
/**
 * Offset in milliseconds for one request (its Koa ctx): a scenario's clock
 * fault. A function when the client is known only once the body is parsed.
 */
const requestOffsets = new WeakMap<object, number | (() => number)>();
let installed = false;

function install(): void {
  if (installed) return;
  const current = () => (Provider as unknown as { ctx?: { app?: object } }).ctx;
  Date.now = () => {
    const ctx = current();
    if (!ctx) return realNow();
    const own = requestOffsets.get(ctx);
    const offset = (typeof own === 'function' ? own() : own) ?? (ctx.app ? offsets.get(ctx.app) : undefined);
    return offset ? realNow() + offset : realNow();
  };
  installed = true;
}

/** Shifts the clock for one request only: the IdP's clock is off for this client. */
export function setRequestClockOffset(ctx: object, seconds: number): void {
  install();
  requestOffsets.set(ctx, seconds * 1000);
}

/**
 * Shifts the clock for one request by what `seconds()` says when oidc-provider
 * reads the time: for a client that names itself in the request body, known
 * only after the body is parsed (a public or client_secret_post client).
 */
export function setRequestClockResolver(ctx: object, seconds: () => number): void {
  install();
  requestOffsets.set(ctx, () => seconds() * 1000);
}

/**
 * Shifts one issuer's clock. oidc-provider reads time through Date.now and
 * keeps the request it is handling in AsyncLocalStorage (Provider.ctx), so a
 * Date.now that consults the current request answers per issuer: tokens,
 * expiry checks and sessions of that issuer move, while other issuers, other
 * requests and the rest of the process keep real time. The hook is installed
 * on first use only.
 */
export function setClockOffset(provider: Provider, seconds: number): void {
  install();
  if (seconds === 0) offsets.delete(provider);
  else offsets.set(provider, seconds * 1000);
}

/**
 * The time on one issuer's clock, in milliseconds: for a quirk that answers a request itself, ahead of
 * oidc-provider, where Provider.ctx (and so the shifted Date.now) is not set yet.
 */
export function issuerNow(provider: Provider): number {
  return realNow() + (offsets.get(provider) ?? 0);
}
