import type { Provider } from 'oidc-provider';
import type { Middleware } from '../kernel/plugin-types.js';
import type { UserStore } from '../users/user-store.js';

export interface HeadlessLoginHost {
  users: UserStore;
  loginMode: () => 'headless' | 'page';
  provider: () => Provider;
  authorizationPath: () => string;
  sessionTtl: number;
}

/** Prompts that need the interaction page's decision, not a silent login. */
const INTERACTIVE_PROMPTS = new Set(['none', 'login', 'select_account', 'consent']);

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function withCookie(header: string | undefined, name: string, value: string): string {
  const others = (header ?? '')
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p && !p.startsWith(`${name}=`));
  return [...others, `${name}=${value}`].join('; ');
}

/**
 * Headless login without the interaction round trip. A plain authorization
 * request with no usable session gets a session for the login_hint (or default)
 * user before oidc-provider looks, so the browser goes straight back to the
 * redirect_uri: one hop instead of three. oidc-provider still runs every check
 * and sets the session cookie itself. Requests that ask for a decision (prompt,
 * max_age, request objects, unknown hints) take the normal interaction path.
 */
export function headlessLogin(host: HeadlessLoginHost): Middleware {
  // The outer function is not async: requests it leaves alone cost no promise of their own.
  return (ctx, next) => {
    if (ctx.method !== 'GET' || host.loginMode() !== 'headless' || ctx.path !== host.authorizationPath()) return next();
    const query = ctx.query;
    const prompts = typeof query.prompt === 'string' ? query.prompt.split(' ') : [];
    if (
      prompts.some((p) => INTERACTIVE_PROMPTS.has(p)) ||
      query.max_age !== undefined ||
      query.request !== undefined ||
      query.request_uri !== undefined
    ) {
      return next();
    }
    const hint = typeof query.login_hint === 'string' ? query.login_hint : undefined;
    const user = hint ? host.users.findByHint(hint) : host.users.defaultUser();
    return user ? signIn(ctx, next, user.sub, hint) : next();
  };

  async function signIn(
    ctx: Parameters<Middleware>[0],
    next: () => Promise<void>,
    sub: string,
    hint: string | undefined,
  ): Promise<void> {
    const provider = host.provider();
    const cookieName = provider.cookieName('session');
    const current = cookieValue(ctx.req.headers.cookie, cookieName);
    if (current) {
      const session = await provider.Session.find(current);
      if (session?.accountId && (!hint || session.accountId === sub)) return next();
    }
    const session = new provider.Session();
    session.loginAccount({ accountId: sub, amr: ['pwd'] });
    await session.save(host.sessionTtl);
    // The model exposes its id at run time; the typings only list the payload fields.
    const id = (session as unknown as { id: string }).id;
    // Cookies are not signed (see the cookies setting in provider-config.ts), so the id alone is the session.
    ctx.req.headers.cookie = withCookie(ctx.req.headers.cookie, cookieName, id);
    return next();
  }
}
