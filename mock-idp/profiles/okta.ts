import { defineProfile } from './types.js';

/** Okta custom authorization server "default". Quirks: to be filled in (issue 3). */
export default defineProfile({
  name: 'okta',
  title: 'Okta',
  description: 'Okta custom authorization server "default"',
  defaultPath: '/okta/oauth2/default',
  keySet: 'okta',
  fixture: 'okta',
  defaultUser: '00u1abcdefghijk12345',
  scopes: ['openid', 'profile', 'email', 'address', 'phone', 'offline_access'],
});
