import { lastIssuedIdToken } from '../facts.js';
import type { Evidence } from '../types.js';
import { defineCases } from '../types.js';

const FLAGS = ['email_verified', 'is_private_email'] as const;

/**
 * The client read Apple's string booleans as Apple meant them: a flag it
 * reports as a boolean must be the one the ID token said, "false" included.
 * A flag left as the string it came as is judged by the code that reads it,
 * which the kit cannot see.
 */
const stringBooleansRead: Evidence = (log, { outcome }) => {
  if (!outcome.ok || !outcome.claims) return undefined;
  const issued = lastIssuedIdToken(log);
  if (!issued) return undefined;
  for (const flag of FLAGS) {
    const sent = issued[flag];
    const read = outcome.claims[flag];
    if (typeof sent === 'string' && typeof read === 'boolean' && read !== (sent === 'true'))
      return `read ${flag} "${sent}" as ${read}`;
  }
  return undefined;
};

/** Sign in with Apple's traps, run only against an apple issuer with a copy of its Services ID. */
export default defineCases(
  {
    id: 'apple-user-first-login-only',
    aliases: [],
    title: 'Apple: signs the user in again without the `user` form field, which comes on the first authorization only',
    area: 'profile',
    refs: ['developer.apple.com/documentation/signinwithapplejs/useri'],
    level: 'MUST',
    profiles: ['apple'],
    client: { template: 'com.example.mockidp.web' },
    script: ['login', 'login'],
    expect: 'accept',
  },
  {
    id: 'apple-string-booleans',
    aliases: [],
    title: 'Apple: reads email_verified and is_private_email sent as the strings "true"/"false" ("false" is false)',
    area: 'profile',
    refs: ['developer.apple.com/forums/thread/662175'],
    level: 'MUST',
    profiles: ['apple'],
    client: { template: 'com.example.mockidp.web' },
    expect: 'accept',
    evidence: stringBooleansRead,
  },
);
