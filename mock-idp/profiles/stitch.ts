import { defineProfile } from './types.js';

/** Stitch (stitch.money), IdentityServer based. Quirks: to be filled in (issue 3). */
export default defineProfile({
  name: 'stitch',
  title: 'Stitch',
  description: 'Stitch (stitch.money), IdentityServer based',
  defaultPath: '/stitch',
  keySet: 'stitch',
  fixture: 'stitch',
  defaultUser: 'stitch-user',
  scopes: ['openid', 'offline_access', 'accounts', 'transactions', 'balances', 'accountholders'],
});
