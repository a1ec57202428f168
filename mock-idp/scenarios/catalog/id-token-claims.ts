import { defineScenarios } from '../types.js';

/** ID token claim faults: what OIDC Core 3.1.3.7 obliges a client to reject (or accept). */
export default defineScenarios(
  {
    name: 'id-token-aud-wrong',
    description: 'aud is another client',
    faults: [{ target: 'id_token', set: { aud: 'some-other-client' } }],
  },
  {
    name: 'id-token-aud-wrong-azp-self',
    description: 'aud is another client, azp names the client that asked',
    faults: [{ target: 'id_token', set: { aud: 'some-other-client', azp: { $template: '{client_id}' } } }],
  },
  { name: 'id-token-aud-missing', description: 'aud removed', faults: [{ target: 'id_token', remove: ['aud'] }] },
  {
    name: 'id-token-aud-extra-without-azp',
    description: 'a second audience and no azp',
    faults: [{ target: 'id_token', set: { aud: { $append: 'some-other-client' } }, remove: ['azp'] }],
  },
  {
    name: 'id-token-azp-wrong',
    description: 'several audiences, azp names another client',
    faults: [{ target: 'id_token', set: { aud: { $append: 'some-other-client' }, azp: 'some-other-client' } }],
  },
  {
    name: 'id-token-iss-wrong',
    description: 'iss is another issuer',
    faults: [{ target: 'id_token', set: { iss: 'https://attacker.example' } }],
  },
  {
    name: 'id-token-tid-wrong',
    description: "tid names another tenant than iss (Entra's {tenantid} issuer then expects another iss)",
    faults: [{ target: 'id_token', set: { tid: '72f988bf-86f1-41af-91ab-2d7cd011db47' } }],
  },
  {
    name: 'id-token-iss-trailing-slash',
    description: 'iss differs by a trailing slash',
    faults: [{ target: 'id_token', set: { iss: { $template: '{iss}/' } } }],
  },
  {
    name: 'id-token-iss-without-scheme',
    description: "iss is the issuer without https:// (Google's legacy form accounts.google.com)",
    faults: [{ target: 'id_token', set: { iss: { $template: '{iss_without_scheme}' } } }],
  },
  { name: 'id-token-sub-missing', description: 'sub removed', faults: [{ target: 'id_token', remove: ['sub'] }] },
  { name: 'id-token-iat-missing', description: 'iat removed', faults: [{ target: 'id_token', remove: ['iat'] }] },
  {
    name: 'id-token-iat-future',
    description: 'iat one hour in the future',
    faults: [{ target: 'id_token', set: { iat: { $now: 3600 } } }],
  },
  {
    name: 'id-token-iat-far-past',
    description: 'iat a week ago (exp still valid)',
    faults: [{ target: 'id_token', set: { iat: { $now: -7 * 24 * 3600 } } }],
  },
  {
    name: 'id-token-exp-past',
    description: 'expired 15 minutes ago, past any common clock leeway',
    faults: [{ target: 'id_token', set: { exp: { $now: -900 }, iat: { $now: -4500 } } }],
  },
  { name: 'id-token-exp-missing', description: 'exp removed', faults: [{ target: 'id_token', remove: ['exp'] }] },
  {
    name: 'id-token-nbf-future',
    description: 'nbf one hour in the future',
    faults: [{ target: 'id_token', set: { nbf: { $now: 3600 } } }],
  },
  {
    name: 'id-token-nonce-wrong',
    description: 'nonce changed',
    faults: [{ target: 'id_token', set: { nonce: 'not-the-nonce-you-sent' } }],
  },
  { name: 'id-token-nonce-missing', description: 'nonce removed', faults: [{ target: 'id_token', remove: ['nonce'] }] },
  // A victim's login whose code an attacker took never comes back to the client, so its nonce stays pending there; the
  // code injected into another login brings that nonce back (RFC 9700 4.5). Only a nonce bound to the login catches it.
  {
    name: 'id-token-nonce-other-login',
    description:
      "the 1st login never returns to the client (left at the issuer's page); the 2nd login's ID token carries the " +
      "1st login's nonce",
    faults: [{ target: 'authorization_response', times: 1, abandon: true }],
    steps: [
      {
        when: { route: 'authorization', nth: 2 },
        faults: [{ target: 'id_token', grant: 'authorization_code', replay: ['nonce'] }],
      },
    ],
  },
  {
    name: 'id-token-at-hash-wrong',
    description: 'at_hash does not match the access token',
    faults: [{ target: 'id_token', set: { at_hash: 'AAAAAAAAAAAAAAAAAAAAAA' } }],
  },
  {
    name: 'id-token-iat-inside-skew',
    description: 'iat 30 s in the future: inside a 60 s skew, accept',
    faults: [{ target: 'id_token', set: { iat: { $now: 30 } } }],
  },
  {
    name: 'id-token-iat-outside-skew',
    description: 'iat 120 s in the future: outside a 60 s skew, reject',
    faults: [{ target: 'id_token', set: { iat: { $now: 120 } } }],
  },
  {
    name: 'id-token-exp-inside-skew',
    description: 'expired 30 s ago: inside a 60 s skew, accept',
    faults: [{ target: 'id_token', set: { exp: { $now: -30 } } }],
  },
  {
    name: 'id-token-exp-outside-skew',
    description: 'expired 120 s ago: outside a 60 s skew, reject',
    faults: [{ target: 'id_token', set: { exp: { $now: -120 } } }],
  },
  {
    name: 'id-token-oversized',
    description: 'a 256 KiB claim makes the ID token absurdly large',
    faults: [{ target: 'id_token', set: { filler: { $filler: 256 * 1024 } } }],
  },
  {
    name: 'refresh-id-token-iss-changed',
    description: 'the ID token of a refresh names another issuer (OIDC Core 12.2)',
    faults: [{ target: 'id_token', grant: 'refresh_token', set: { iss: 'https://attacker.example' } }],
  },
  {
    name: 'refresh-id-token-sub-changed',
    description: 'the ID token of a refresh names another subject (OIDC Core 12.2)',
    faults: [{ target: 'id_token', grant: 'refresh_token', set: { sub: 'someone-else' } }],
  },
);
