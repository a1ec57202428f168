import { defineCases } from '../types.js';

/** Google's traps, run only against a Google issuer with a copy of its fixture web client. */
export default defineCases(
  {
    id: 'google-iss-without-scheme',
    aliases: [],
    title: 'Google: accepts an ID token whose iss is accounts.google.com, without https://',
    area: 'profile',
    refs: ['Google ID token iss', 'OIDC Core 3.1.3.7'],
    level: 'MUST',
    profiles: ['google'],
    client: { template: '1234567890-mockidpweb0a1b2c3d4e5f6g7h8i9j.apps.googleusercontent.com' },
    scenario: 'id-token-iss-without-scheme',
    expect: 'accept',
  },
  {
    id: 'google-iss-https',
    aliases: [],
    title: 'Google: accepts an ID token whose iss is https://accounts.google.com',
    area: 'profile',
    refs: ['Google ID token iss', 'OIDC Core 3.1.3.7'],
    level: 'MUST',
    profiles: ['google'],
    client: { template: '1234567890-mockidpweb0a1b2c3d4e5f6g7h8i9j.apps.googleusercontent.com' },
    expect: 'accept',
  },
);
