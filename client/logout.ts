import type { ServerMetadata } from './provider-metadata.js';

export interface LogoutRequest {
  metadata: ServerMetadata;
  clientId: string;
  idToken: string | undefined;
  postLogoutRedirectUri: string | undefined;
  state: string | undefined;
}

/** Where to send the browser to end the provider's session, or undefined when the provider offers no way. */
export type LogoutUrlBuilder = (request: LogoutRequest) => URL | undefined;

/** OpenID Connect RP-Initiated Logout 1.0, when discovery advertises end_session_endpoint. */
export const rpInitiatedLogout: LogoutUrlBuilder = ({ metadata, clientId, idToken, postLogoutRedirectUri, state }) => {
  if (!metadata.end_session_endpoint) return undefined;
  const url = new URL(metadata.end_session_endpoint);
  // id_token_hint names the session; client_id lets the provider check the redirect even without it.
  if (idToken) url.searchParams.set('id_token_hint', idToken);
  url.searchParams.set('client_id', clientId);
  if (postLogoutRedirectUri) url.searchParams.set('post_logout_redirect_uri', postLogoutRedirectUri);
  if (state) url.searchParams.set('state', state);
  return url;
};

/** Auth0's /v2/logout?client_id=&returnTo=, which a default tenant uses instead of advertising end_session_endpoint. */
export const auth0Logout: LogoutUrlBuilder = ({ metadata, clientId, postLogoutRedirectUri }) => {
  const url = new URL('v2/logout', metadata.issuer.endsWith('/') ? metadata.issuer : `${metadata.issuer}/`);
  url.searchParams.set('client_id', clientId);
  if (postLogoutRedirectUri) url.searchParams.set('returnTo', postLogoutRedirectUri);
  return url;
};
