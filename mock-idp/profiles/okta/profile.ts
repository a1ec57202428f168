import { defineProfile } from '../../kernel/plugin-types.js';
import { assertionAudience } from '../../quirks/assertion-audience.js';
import { offlineAccessWithoutConsent } from '../../quirks/offline-access-without-consent.js';
import { pkcePolicy } from '../../quirks/pkce-policy.js';
import { queryTokenParams } from '../../quirks/query-token-params.js';
import { oktaClientErrors, oktaJsonBody, oktaSingleCredential } from './errors.js';
import { oktaKeysCacheControl, oktaMetadata } from './metadata.js';
import { oktaAccessTokens, oktaIdToken, oktaIntrospection, oktaTokenResponse } from './tokens.js';

/** The id Okta's `idp` claim carries for users mastered in Okta itself: the org's id. */
const ORG_ID = '00o1okta0mock0idp001';

/**
 * An Okta custom authorization server, by default the one named "default"
 * (https://{domain}/oauth2/default). Endpoints under /v1/, JWT access tokens
 * with aud "api://default", ID tokens with Okta's extra claims, PKCE S256
 * only, and Okta's answers to bodies and credentials it refuses.
 *
 * Run at another path with a `tenant`, the tenant names the authorization
 * server: its access tokens carry aud "api://<tenant>".
 *
 * Discovery follows the real default server. Its registration_endpoint is the
 * org server's <org>/oauth2/v1/clients, which mock-idp does not serve, and it
 * lists the password grant and okta_post_message, which are not served either.
 * The device verification page, at {domain}/activate on Okta, is under the
 * server's own path here.
 */
export default defineProfile({
  name: 'okta',
  title: 'Okta',
  description: 'Okta custom authorization server "default": /v1/ endpoints, JWT access tokens, PKCE S256 only',
  defaultPath: '/okta/oauth2/default',
  keySet: 'okta',
  fixture: 'okta',
  realHost: { host: '{tenant}.okta.com', aliases: [], path: '/oauth2/default' },
  usernameClaim: 'preferred_username',
  defaultUser: '00u1abcdefghijk12345',
  scopes: ['openid', 'profile', 'email', 'address', 'phone', 'offline_access', 'device_sso'],
  providerConfig: () => ({
    routes: {
      authorization: '/v1/authorize',
      token: '/v1/token',
      jwks: '/v1/keys',
      userinfo: '/v1/userinfo',
      introspection: '/v1/introspect',
      revocation: '/v1/revoke',
      end_session: '/v1/logout',
      device_authorization: '/v1/device/authorize',
      pushed_authorization_request: '/v1/par',
      backchannel_authentication: '/v1/bc/authorize',
      registration: '/v1/clients',
      code_verification: '/activate',
    },
    responseTypes: ['code', 'id_token', 'code id_token', 'code token', 'id_token token', 'code id_token token'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'],
    // Okta issues a refresh token only for the offline_access scope.
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
  }),
  quirks: [
    oktaTokenResponse(),
    oktaMetadata(),
    oktaKeysCacheControl(),
    oktaIntrospection(),
    oktaJsonBody(),
    queryTokenParams(['token']),
    oktaSingleCredential(),
    assertionAudience({
      expected: (_ctx, tokenUrl) => tokenUrl,
      reject: () => ({
        status: 401,
        body: {
          error: 'invalid_client',
          error_description: 'The audience claim for client_assertion must be the endpoint invoked for the request.',
        },
      }),
    }),
    pkcePolicy({
      methods: ['S256'],
      verifierLengthError: {
        error: 'invalid_grant',
        // The double period is Okta's.
        error_description:
          'PKCE verification failed: The code_verifier must have a minimum length of 43 characters ' +
          'and a maximum length of 128 characters..',
      },
    }),
    // Inside the rejections above, so it reshapes only what oidc-provider answered.
    oktaClientErrors(),
    offlineAccessWithoutConsent(),
    // Outside the access token quirk: at_hash is computed over the JWT access token.
    oktaIdToken({ idp: () => ORG_ID }),
    oktaAccessTokens({ audience: (ctx) => `api://${ctx.tenant ?? 'default'}` }),
  ],
});
