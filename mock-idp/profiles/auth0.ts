import { defineProfile } from './types.js';

/** Auth0 tenant, issuer with a trailing slash. Quirks: to be filled in (issue 3). */
export default defineProfile({
  name: 'auth0',
  title: 'Auth0',
  description: 'Auth0 tenant, issuer with a trailing slash',
  defaultPath: '/auth0/',
  keySet: 'auth0',
  fixture: 'auth0',
  defaultUser: 'auth0|6543210fedcba98765432100',
  scopes: ['openid', 'profile', 'email', 'offline_access'],
});
