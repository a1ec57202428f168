import { defineCases } from '../types.js';
import { errorDescriptionEscaped, firstShownOf, loopbackRedirect, noOpenRedirect, noTokenRequest } from './evidence.js';

/** What only a whole application shows: its pages, its redirects, its redirect URI. */
export default defineCases(
  {
    id: 'open-redirect-return-to',
    aliases: [],
    title: 'Does not send the browser to a foreign return_to after login',
    area: 'web-app',
    refs: ['RFC 9700 4.11.1'],
    level: 'MUST',
    requires: ['web'],
    loginParams: {
      return_to: 'https://attacker.example/landing',
      returnTo: 'https://attacker.example/landing',
      next: 'https://attacker.example/landing',
    },
    expect: 'accept',
    evidence: noOpenRedirect,
  },
  {
    id: 'error-description-escaped',
    aliases: [],
    title: 'Shows a provider error_description as text, not markup',
    area: 'web-app',
    refs: ['RFC 6749 4.1.2.1', 'OWASP XSS'],
    level: 'MUST',
    requires: ['web'],
    scenario: 'authorization-error-markup',
    expect: 'reject',
    evidence: firstShownOf(errorDescriptionEscaped, noTokenRequest),
  },
  {
    id: 'native-loopback-redirect',
    aliases: [],
    title: 'Uses a loopback IP literal redirect URI',
    area: 'native',
    refs: ['RFC 8252 7.3', 'RFC 8252 8.3'],
    level: 'SHOULD',
    requires: ['native'],
    expect: 'accept',
    evidence: loopbackRedirect,
  },
);
