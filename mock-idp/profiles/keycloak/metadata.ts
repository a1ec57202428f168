import type { Quirk } from '../../kernel/plugin-types.js';
import { reshapeResponse } from '../../quirks/reshape-response.js';
import type { User } from '../../users/user-store.js';
import { userClaims } from './tokens.js';

/** Discovery fields a Keycloak realm publishes that oidc-provider words differently or leaves out. */
export function keycloakMetadata(): Quirk {
  return reshapeResponse({
    name: 'keycloak-metadata',
    description: 'discovery lists PKCE plain and S256, the check-session iframe and Keycloak’s logout support',
    routes: ['/.well-known/openid-configuration'],
    when: 'success',
    reshape(body, _koa, ctx) {
      body.code_challenge_methods_supported = ['plain', 'S256'];
      body.check_session_iframe = `${ctx.issuer}/protocol/openid-connect/login-status-iframe.html`;
      body.frontchannel_logout_supported = true;
      body.frontchannel_logout_session_supported = true;
      body.authorization_response_iss_parameter_supported = true;
    },
  });
}

/**
 * userinfo releases the profile and email claims whatever was asked, since
 * Keycloak applies those client scopes to every client by default.
 */
export function keycloakUserinfo(): Quirk {
  return reshapeResponse({
    name: 'keycloak-userinfo',
    description: 'userinfo carries the default profile and email claims',
    routes: ['userinfo'],
    when: 'success',
    reshape(body, _koa, ctx) {
      const user: User | undefined = typeof body.sub === 'string' ? ctx.users.get(body.sub) : undefined;
      Object.assign(body, { ...userClaims(user), ...body });
    },
  });
}
