import { createHash } from 'node:crypto';
import type { Quirk } from '../../kernel/plugin-types.js';
import { advertisedIssuer } from './tenant.js';

const OIDC_METADATA = '/.well-known/openid-configuration';

const CLAIMS = [
  'sub',
  'iss',
  'cloud_instance_name',
  'cloud_instance_host_name',
  'cloud_graph_host_name',
  'msgraph_host',
  'aud',
  'exp',
  'iat',
  'auth_time',
  'acr',
  'nonce',
  'preferred_username',
  'name',
  'tid',
  'ver',
  'at_hash',
  'c_hash',
  'email',
];

/**
 * Discovery at /{tenant}/v2.0/.well-known/openid-configuration, in the fields and
 * order Entra publishes (panva/wellknown's snapshot of login.microsoftonline.com/common).
 * On common and organizations the issuer is the template
 * https://login.microsoftonline.com/{tenantid}/v2.0: clients put the token's tid in it.
 * The tenant's bare /.well-known/openid-configuration is Entra's v1 document, not served here.
 */
export function entraMetadata(): Quirk {
  return {
    name: 'entra-metadata',
    description:
      'v2.0 discovery under /v2.0/, shaped like Entra, with the {tenantid} issuer on common and organizations',
    middleware: (ctx) => {
      // Discovery sits under the issuer: /v2.0/… for a tenant, at the mount of a scenario issuer (<issuer>/s/<name>).
      const underIssuer = ctx.issuer.slice(new URL(ctx.issuer).origin.length + ctx.mountPath.length);
      const V2_METADATA = `${underIssuer}${OIDC_METADATA}`;
      return async (koa, next) => {
        const get = koa.method === 'GET' || koa.method === 'HEAD';
        if (underIssuer && get && koa.path === OIDC_METADATA) {
          koa.status = 404;
          koa.body = { error: 'not_found', error_description: `v2.0 discovery is at ${ctx.mountPath}${V2_METADATA}` };
          return;
        }
        if (!get || koa.path !== V2_METADATA) return next();
        koa.path = OIDC_METADATA;
        // oidc-provider takes its mount path from where the url sits in originalUrl: without /v2.0 there.
        const req = koa.req as typeof koa.req & { originalUrl?: string };
        const original = req.originalUrl;
        if (original) req.originalUrl = original.replace(V2_METADATA, OIDC_METADATA);
        try {
          await next();
        } finally {
          if (original) req.originalUrl = original;
        }
        const body = koa.body as Record<string, unknown> | undefined;
        if (koa.status !== 200 || !body || typeof body.token_endpoint !== 'string') return;
        const endpoint = (name: string) => String(body.token_endpoint).replace(/\/token$/, `/${name}`);
        koa.body = {
          token_endpoint: body.token_endpoint,
          token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
          jwks_uri: body.jwks_uri,
          response_modes_supported: ['query', 'fragment', 'form_post'],
          subject_types_supported: ['pairwise'],
          id_token_signing_alg_values_supported: ['RS256'],
          response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
          scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
          issuer: advertisedIssuer(ctx),
          request_uri_parameter_supported: false,
          userinfo_endpoint: body.userinfo_endpoint,
          authorization_endpoint: body.authorization_endpoint,
          device_authorization_endpoint: endpoint('devicecode'),
          http_logout_supported: true,
          frontchannel_logout_supported: true,
          end_session_endpoint: body.end_session_endpoint,
          claims_supported: CLAIMS,
          tenant_region_scope: null,
          cloud_instance_name: 'microsoftonline.com',
          cloud_graph_host_name: 'graph.windows.net',
          msgraph_host: 'graph.microsoft.com',
          rbac_url: 'https://pas.windows.net',
        };
      };
    },
  };
}

/** The SHA-1 thumbprint of the key's certificate, which Entra also uses as the kid. */
function x5t(key: Record<string, unknown>): { x5t?: string } {
  if (typeof key.x5t === 'string') return { x5t: key.x5t };
  const cert = Array.isArray(key.x5c) && typeof key.x5c[0] === 'string' ? key.x5c[0] : undefined;
  return cert ? { x5t: createHash('sha1').update(Buffer.from(cert, 'base64')).digest('base64url') } : {};
}

/**
 * Entra's JWKS: each key with x5t (equal to its kid), its certificate chain and
 * the issuer it signs for, and no alg. The keys are the same on every tenant.
 */
export function entraJwks(): Quirk {
  return {
    name: 'entra-jwks',
    description: 'JWKS keys carry x5t, x5c and issuer, and no alg',
    middleware: (ctx) => async (koa, next) => {
      await next();
      if (koa.path !== ctx.routes.jwks || koa.status !== 200) return;
      const body = koa.body as { keys?: Record<string, unknown>[] } | undefined;
      if (!Array.isArray(body?.keys)) return;
      const issuer = advertisedIssuer(ctx);
      koa.body = {
        keys: body.keys.map(({ alg: _alg, ...key }) => ({
          kty: key.kty,
          use: key.use ?? 'sig',
          kid: key.kid,
          ...x5t(key),
          n: key.n,
          e: key.e,
          ...(key.x5c ? { x5c: key.x5c } : {}),
          ...Object.fromEntries(
            Object.entries(key).filter(([k]) => !['kty', 'use', 'kid', 'x5t', 'n', 'e', 'x5c'].includes(k)),
          ),
          issuer,
        })),
      };
    },
  };
}
