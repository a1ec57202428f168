import { decodeJwt } from 'jose';
import { peekFormBody } from '../kernel/form-body.js';
import type { Quirk, QuirkContext } from '../kernel/plugin-types.js';

/**
 * Client assertions must name exactly one audience value: the token URL
 * (Stitch, IdentityServer) or the issuer (Auth0, with its slash). oidc-provider
 * accepts several; this narrows it to the provider's rule before it looks.
 */
export function assertionAudience(options: {
  expected: (ctx: QuirkContext, tokenUrl: string) => string;
  reject: (reason: string) => { status: number; body: unknown };
}): Quirk {
  return {
    name: 'assertion-audience',
    description: "client assertion aud must be exactly the provider's value",
    strict: true,
    middleware: (ctx) => async (koa, next) => {
      if (koa.method !== 'POST' || koa.path !== ctx.routes.token) return next();
      const assertion = (await peekFormBody(koa)).get('client_assertion');
      if (!assertion) return next();
      let aud: unknown;
      try {
        aud = decodeJwt(assertion).aud;
      } catch {
        return next(); // malformed: oidc-provider answers that itself
      }
      const tokenUrl = `${new URL(ctx.issuer).origin}${ctx.mountPath}${ctx.routes.token}`;
      const expected = options.expected(ctx, tokenUrl);
      const audiences = Array.isArray(aud) ? aud : [aud];
      if (!audiences.includes(expected)) {
        const rejected = options.reject(`client assertion aud must be ${expected}, got ${JSON.stringify(aud)}`);
        koa.status = rejected.status;
        koa.body = rejected.body;
        return;
      }
      return next();
    },
  };
}
