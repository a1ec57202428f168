import { defineProfile } from './types.js';

/** Stack Exchange plain OAuth 2 (not OIDC). Quirks: to be filled in (issue 3). */
export default defineProfile({
  name: 'stackexchange',
  title: 'Stack Exchange',
  description: 'Stack Exchange plain OAuth 2 (not OIDC)',
  defaultPath: '/stackexchange',
  keySet: 'generic',
  fixture: 'stackexchange',
  defaultUser: '1001',
  scopes: ['openid', 'read_inbox', 'no_expiry', 'write_access', 'private_info'],
});
