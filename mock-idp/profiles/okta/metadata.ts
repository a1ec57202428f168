import type { Quirk } from '../../kernel/plugin-types.js';

const OIDC_METADATA = '/.well-known/openid-configuration';
const OAUTH_METADATA = '/.well-known/oauth-authorization-server';

const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'];

// As a custom authorization server's metadata publishes them. Two entries are
// advertised without being served here: the password grant and the
// okta_post_message response mode (Okta's own widget transport).
const RESPONSE_TYPES = ['code', 'id_token', 'code id_token', 'code token', 'id_token token', 'code id_token token'];
const RESPONSE_MODES = ['query', 'fragment', 'form_post', 'okta_post_message'];
const GRANT_TYPES = [
  'authorization_code',
  'implicit',
  'refresh_token',
  'password',
  'urn:ietf:params:oauth:grant-type:device_code',
];
const CLAIMS = [
  'iss',
  'ver',
  'sub',
  'aud',
  'iat',
  'exp',
  'jti',
  'auth_time',
  'amr',
  'idp',
  'nonce',
  'name',
  'nickname',
  'preferred_username',
  'given_name',
  'middle_name',
  'family_name',
  'email',
  'email_verified',
  'profile',
  'zoneinfo',
  'locale',
  'address',
  'phone_number',
  'picture',
  'website',
  'gender',
  'birthdate',
  'updated_at',
  'at_hash',
  'c_hash',
];

/**
 * Okta's org authorization server, where client registration lives even for
 * custom servers: <org>/oauth2/v1/clients. For /okta/oauth2/default the org is
 * /okta. mock-idp does not serve that URL; it is published because Okta's
 * metadata always carries it and clients that read it should see its shape.
 */
function orgRegistrationEndpoint(backChannelOrigin: string, mountPath: string): string {
  const org = mountPath.replace(/\/oauth2\/[^/]+$/, '');
  return `${backChannelOrigin}${org}/oauth2/v1/clients`;
}

/**
 * Discovery as an Okta custom authorization server publishes it, in its field
 * order; /.well-known/oauth-authorization-server is served too (RFC 8414,
 * with client_credentials and without the OpenID-only fields).
 */
export function oktaMetadata(): Quirk {
  return {
    name: 'okta-metadata',
    description: 'discovery shaped like an Okta custom authorization server, plus oauth-authorization-server',
    middleware: (ctx) => async (koa, next) => {
      const oauth = koa.path === OAUTH_METADATA && (koa.method === 'GET' || koa.method === 'HEAD');
      if (oauth) koa.path = OIDC_METADATA;
      await next();
      const body = koa.body as Record<string, unknown> | undefined;
      if (
        koa.path !== OIDC_METADATA ||
        koa.status !== 200 ||
        !body ||
        typeof body !== 'object' ||
        typeof body.token_endpoint !== 'string'
      )
        return;
      const origin = new URL(body.token_endpoint).origin;
      const metadata: Record<string, unknown> = {
        issuer: body.issuer,
        authorization_endpoint: body.authorization_endpoint,
        token_endpoint: body.token_endpoint,
        userinfo_endpoint: oauth ? undefined : body.userinfo_endpoint,
        registration_endpoint: orgRegistrationEndpoint(origin, ctx.mountPath),
        jwks_uri: body.jwks_uri,
        response_types_supported: RESPONSE_TYPES,
        response_modes_supported: RESPONSE_MODES,
        grant_types_supported: oauth
          ? [...GRANT_TYPES.slice(0, 4), 'client_credentials', ...GRANT_TYPES.slice(4)]
          : GRANT_TYPES,
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: oauth ? undefined : ['RS256'],
        scopes_supported: body.scopes_supported,
        token_endpoint_auth_methods_supported: AUTH_METHODS,
        claims_supported: CLAIMS,
        code_challenge_methods_supported: ['S256'],
        introspection_endpoint: body.introspection_endpoint,
        introspection_endpoint_auth_methods_supported: AUTH_METHODS,
        revocation_endpoint: body.revocation_endpoint,
        revocation_endpoint_auth_methods_supported: AUTH_METHODS,
        end_session_endpoint: body.end_session_endpoint,
        request_parameter_supported: body.request_parameter_supported,
        device_authorization_endpoint: body.device_authorization_endpoint,
        pushed_authorization_request_endpoint: body.pushed_authorization_request_endpoint,
      };
      koa.body = Object.fromEntries(Object.entries(metadata).filter(([, v]) => v !== undefined));
    },
  };
}

const DAY = 24 * 3600;
/** Okta publishes the next key a few weeks before it signs with it; two weeks is the margin used here. */
const ROLLOVER_MARGIN = 14 * DAY;
/** Inside the margin Okta returns "a short cache time" (developer.okta.com/docs/concepts/key-rotation). */
const SHORT_CACHE = 300;

/** Seconds from `now` until the next quarter (Okta rotates keys four times a year). */
function untilNextQuarter(now: Date): number {
  const quarter = Math.floor(now.getUTCMonth() / 3);
  const next = Date.UTC(now.getUTCFullYear(), (quarter + 1) * 3, 1);
  return Math.floor((next - now.getTime()) / 1000);
}

/**
 * Okta's keys endpoint says how long to cache it, counting down to the next
 * rotation ("cache-control: max-age=3293198, must-revalidate" is a typical
 * answer) and dropping to a short time as the safe period ends. The fixture
 * keys never rotate, but clients should still be tested against a countdown
 * that they must honour and that can get short.
 */
export function oktaKeysCacheControl(now: () => Date = () => new Date()): Quirk {
  return {
    name: 'okta-keys-cache-control',
    description: 'JWKS carries Cache-Control: max-age=<until next quarterly rotation>, must-revalidate',
    middleware: (ctx) => async (koa, next) => {
      await next();
      if (koa.path !== ctx.routes.jwks || koa.status !== 200) return;
      const safe = untilNextQuarter(now()) - ROLLOVER_MARGIN;
      koa.set('cache-control', `max-age=${Math.max(safe, SHORT_CACHE)}, must-revalidate`);
    },
  };
}
