import type { ConformanceCase } from '../types.js';
import apple from './apple.js';
import apps from './apps.js';
import clientAuth from './client-auth.js';
import clock from './clock.js';
import entra from './entra.js';
import github from './github.js';
import google from './google.js';
import idToken from './id-token.js';
import keycloak from './keycloak.js';
import keysAndDiscovery from './keys-and-discovery.js';
import logout from './logout.js';
import profiles from './profiles.js';
import responses from './responses.js';
import rpLogout from './rp-logout.js';
import signature from './signature.js';
import thirdPartyLogin from './third-party-login.js';
import tokenResponse from './token-response.js';
import userinfo from './userinfo.js';

/** The catalog: a new case is an entry in one of these files. */
export const cases: readonly ConformanceCase[] = [
  ...responses,
  ...idToken,
  ...signature,
  ...keysAndDiscovery,
  ...tokenResponse,
  ...userinfo,
  ...clientAuth,
  ...clock,
  ...logout,
  ...rpLogout,
  ...apps,
  ...thirdPartyLogin,
  ...profiles,
  ...apple,
  ...google,
  ...github,
  ...keycloak,
  ...entra,
];
