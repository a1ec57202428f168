import { defineProfile } from './types.js';

/** GitLab.com OAuth 2 / OpenID Connect. Quirks: to be filled in (issue 3). */
export default defineProfile({
  name: 'gitlab',
  title: 'GitLab',
  description: 'GitLab.com OAuth 2 / OpenID Connect',
  defaultPath: '/gitlab',
  keySet: 'gitlab',
  fixture: 'gitlab',
  defaultUser: '1234567',
  scopes: ['openid', 'profile', 'email', 'read_user', 'api', 'read_api'],
});
