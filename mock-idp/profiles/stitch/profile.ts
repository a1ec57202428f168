import { defineProfile } from '../../kernel/plugin-types.js';
import { assertionAudience } from '../../quirks/assertion-audience.js';
import { errorShape } from '../../quirks/error-shape.js';
import { noncePolicy } from '../../quirks/nonce-policy.js';
import { offlineAccessWithoutConsent } from '../../quirks/offline-access-without-consent.js';
import { pkcePolicy } from '../../quirks/pkce-policy.js';
import { redirectUriRejection } from '../../quirks/redirect-uri-rejection.js';
import { refreshReuse } from '../../quirks/refresh-reuse.js';
import { scopePolicy } from '../../quirks/scope-policy.js';
import { stitchGraphql } from './graphql.js';

const USER_SCOPES = [
  'openid',
  'accounts',
  'transactions',
  'balances',
  'accountholders',
  'offline_access',
  'pci_unsafe',
  'bankstatements',
  'paymentinitiationrequest',
];
const CLIENT_SCOPES = [
  'client_paymentrequest',
  'client_bankaccountverification',
  'client_imageupload',
  'client_businesslookup',
  'client_paymentauthorizationrequest',
  'client_refund',
  'client_disbursement',
  'client_recurringpaymentconsentrequest',
];

/**
 * Stitch (secure.stitch.money), an IdentityServer deployment. Published:
 * /connect/authorize and /connect/token, the private_key_jwt assertion rules,
 * scope and nonce rules, token lifetimes, single-use refresh tokens and the
 * bare error bodies. Not published, so IdentityServer's defaults are used:
 * the discovery and JWKS paths, /connect/{userinfo,endsession,revocation,
 * introspect}, the issuer without a trailing slash, and a 300 s ID token.
 */
export default defineProfile({
  name: 'stitch',
  title: 'Stitch',
  description:
    'Stitch (stitch.money), IdentityServer based: private_key_jwt certificates, single-use refresh tokens, GraphQL API',
  defaultPath: '/stitch',
  keySet: 'stitch',
  fixture: 'stitch',
  realHost: { host: 'secure.stitch.money', aliases: ['api.stitch.money'], path: '/' },
  defaultUser: 'user_2f9c8a71e4d3',
  scopes: [...USER_SCOPES, ...CLIENT_SCOPES],
  providerConfig: () => ({
    routes: {
      authorization: '/connect/authorize',
      token: '/connect/token',
      userinfo: '/connect/userinfo',
      end_session: '/connect/endsession',
      revocation: '/connect/revocation',
      introspection: '/connect/introspect',
      device_authorization: '/connect/deviceauthorization',
      pushed_authorization_request: '/connect/par',
      jwks: '/.well-known/openid-configuration/jwks',
    },
    clientAuthMethods: ['private_key_jwt', 'client_secret_post'],
    // PKCE on every code flow, not only for public clients.
    pkce: { required: () => true },
    // User tokens 15 min, client tokens 1 h; refresh tokens slide for 365 days.
    ttl: { AccessToken: 900, ClientCredentials: 3600, IdToken: 300, RefreshToken: 365 * 24 * 3600 },
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    // Single use: every refresh returns a new refresh token and the old one dies.
    rotateRefreshToken: true,
  }),
  quirks: [
    // Outermost, so it reshapes whatever the rules below answered.
    errorShape({
      description: 'errors are bare {"error": ...} bodies with status 400',
      routes: ['token', 'introspection', 'revocation', 'device_authorization', 'pushed_authorization_request'],
      // IdentityServer reports every client-authentication failure as invalid_client.
      map: (error, _status, koa) => {
        const assertionRejected =
          error.error === 'invalid_request' &&
          typeof (koa.oidc?.body as Record<string, unknown> | undefined)?.client_assertion === 'string';
        return { status: 400, body: { error: assertionRejected ? 'invalid_client' : error.error } };
      },
    }),
    redirectUriRejection({
      body: { redirect_uri: ['Invalid redirect_uri. Please ensure the URI has been whitelisted.'] },
    }),
    scopePolicy({ requireOpenid: true, singleSpaces: true }),
    noncePolicy({ min: 32, max: 300, required: true }),
    pkcePolicy({
      methods: ['S256'],
      missingMethod: 'plain',
      challengeError: (reason) => ({
        error: 'invalid_request',
        error_description: reason.includes('not supported') ? 'Transform algorithm not supported' : reason,
      }),
    }),
    assertionAudience({
      expected: (_ctx, tokenUrl) => tokenUrl,
      reject: () => ({ status: 400, body: { error: 'invalid_client' } }),
    }),
    offlineAccessWithoutConsent(),
    refreshReuse({ revokeFamily: false }),
    stitchGraphql(),
  ],
});
