import { decodeProtectedHeader, importJWK, type JWK, jwtVerify } from 'jose';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { recordOf } from '../../kernel/evidence.js';
import { peekFormBody, rewriteFormBody } from '../../kernel/form-body.js';
import type { Quirk, QuirkContext } from '../../kernel/plugin-types.js';

export const APPLE_AUDIENCE = 'https://appleid.apple.com';
/** "exp … must not be greater than 15777000 (6 months in seconds) from the Current UNIX Time on the server." */
export const MAX_SECRET_LIFETIME = 15777000;

/** Apple answers every client authentication failure the same way: 400 and no description. */
function invalidClient(koa: KoaContextWithOIDC, why: string): void {
  koa.status = 400;
  koa.body = { error: 'invalid_client' };
  const record = recordOf(koa.req);
  if (record) {
    record.error = 'invalid_client';
    record.notes = [...(record.notes ?? []), `client secret refused: ${why}`];
  }
}

/** Why the client_secret JWT is not one the registered team key signed for this client, or undefined when it is. */
async function secretProblem(
  secret: string,
  clientId: string,
  metadata: Record<string, unknown>,
  ctx: QuirkContext,
): Promise<string | undefined> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(secret);
  } catch {
    return 'not a JWT';
  }
  if (header.alg !== 'ES256') return `alg ${String(header.alg)}, not ES256`;
  const keys = ((metadata.jwks as { keys?: JWK[] } | undefined)?.keys ?? []).filter((k) => k.kty === 'EC');
  const jwk = keys.find((k) => k.kid === header.kid);
  if (!jwk) return `kid ${String(header.kid)} is not a key registered for the team`;
  try {
    const key = await importJWK(jwk, 'ES256');
    const { payload } = await jwtVerify(secret, key, {
      algorithms: ['ES256'],
      issuer: String(metadata.team_id ?? ''),
      audience: APPLE_AUDIENCE,
      subject: clientId,
      requiredClaims: ['iat', 'exp'],
    });
    const now = Math.floor(Date.now() / 1000);
    if (!ctx.lenient && (payload.exp ?? 0) - now > MAX_SECRET_LIFETIME)
      return `exp is more than ${MAX_SECRET_LIFETIME} s (6 months) away`;
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : 'verification failed';
  }
}

/**
 * Sign in with Apple's client secret: an ES256 JWT the developer signs with the
 * team's key (iss = team id, sub = Services ID, aud = https://appleid.apple.com,
 * kid = key id, exp at most 6 months ahead), sent as `client_secret` in the
 * form and nowhere else. It is verified against the key registered with the
 * client (`jwks`, `team_id`), then swapped for the registered secret so
 * oidc-provider authenticates the client as usual. A lenient issuer also takes
 * the registered secret itself and secrets living longer than 6 months.
 */
export function appleClientSecret(): Quirk {
  return {
    name: 'apple-client-secret',
    description: 'client_secret is an ES256 JWT signed with the team key (client_secret_post only)',
    middleware: (ctx) => async (koa, next) => {
      const guarded = koa.path === ctx.routes.token || koa.path === ctx.routes.revocation;
      if (!guarded || koa.method !== 'POST') return next();
      if (/^basic\s/i.test(koa.get('authorization'))) return invalidClient(koa, 'Apple takes client_secret_post only');
      const form = await peekFormBody(koa);
      if (form.has('client_assertion')) return invalidClient(koa, 'Apple takes client_secret_post only');
      const clientId = form.get('client_id');
      const secret = form.get('client_secret');
      if (!clientId || !secret) return invalidClient(koa, 'client_id and client_secret are required');
      const client = await ctx
        .provider()
        .Client.find(clientId)
        .catch(() => undefined);
      if (!client) return invalidClient(koa, 'unknown client_id');
      const metadata = client.metadata() as Record<string, unknown>;
      if (ctx.lenient && secret === metadata.client_secret) return next();
      const problem = await secretProblem(secret, clientId, metadata, ctx);
      if (problem) return invalidClient(koa, problem);
      await rewriteFormBody(koa, (params) => params.set('client_secret', String(metadata.client_secret)));
      return next();
    },
  };
}
