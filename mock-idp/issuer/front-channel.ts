import type { Middleware } from '../kernel/plugin-types.js';

/**
 * Endpoints a browser visits must use the public base URL even when a backend
 * fetched discovery through another host name (http://mock-idp:9400 inside a
 * compose network); back-channel endpoints keep the host the caller used, so
 * both sides reach the issuer and `iss` stays the public one everywhere.
 */
const FRONT_CHANNEL_FIELDS: Record<string, readonly string[]> = {
  discovery: ['authorization_endpoint', 'end_session_endpoint'],
  device_authorization: ['verification_uri', 'verification_uri_complete'],
};

export function frontChannelMiddleware(publicOrigin: string): Middleware {
  const target = new URL(publicOrigin);
  const toPublic = (value: unknown) => {
    if (typeof value !== 'string') return value;
    const url = new URL(value);
    url.protocol = target.protocol;
    url.host = target.host;
    return url.href;
  };
  return async (ctx, next) => {
    await next();
    const fields = FRONT_CHANNEL_FIELDS[ctx.oidc?.route ?? ''];
    const body = ctx.body as Record<string, unknown> | undefined;
    if (!fields || !body || typeof body !== 'object' || ctx.status !== 200) return;
    for (const field of fields) if (field in body) body[field] = toPublic(body[field]);
  };
}
