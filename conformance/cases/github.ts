import { defineCases } from '../types.js';

/** GitHub's traps, run only against the github issuer with a copy of its fixture OAuth app. */
export default defineCases(
  {
    id: 'github-login',
    aliases: [],
    title: 'GitHub: completes the web flow (no grant_type, a form-encoded token response, comma-separated scopes)',
    area: 'profile',
    refs: ['GitHub authorizing-oauth-apps'],
    level: 'MUST',
    profiles: ['github'],
    oauth2: true,
    client: { template: 'Ov23liMockOAuthApp01' },
    expect: 'accept',
  },
  {
    id: 'github-error-status-200',
    aliases: [],
    title: 'GitHub: a token answer with HTTP 200 and an error member is an error, not a login',
    area: 'profile',
    refs: ['GitHub authorizing-oauth-apps', 'RFC 6749 5.2'],
    level: 'MUST',
    profiles: ['github'],
    oauth2: true,
    client: { template: 'Ov23liMockOAuthApp01' },
    scenario: 'token-error-status-200',
    expect: 'reject',
  },
);
