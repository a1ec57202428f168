/** oidc-provider v9's default endpoint paths, relative to the issuer's mount. Profiles override some. */
export const DEFAULT_ROUTES = {
  authorization: '/auth',
  backchannel_authentication: '/backchannel',
  code_verification: '/device',
  device_authorization: '/device/auth',
  end_session: '/session/end',
  introspection: '/token/introspection',
  jwks: '/jwks',
  pushed_authorization_request: '/request',
  registration: '/reg',
  revocation: '/token/revocation',
  token: '/token',
  userinfo: '/me',
} as const;

export type RouteName = keyof typeof DEFAULT_ROUTES;
export type Routes = Record<RouteName, string>;
