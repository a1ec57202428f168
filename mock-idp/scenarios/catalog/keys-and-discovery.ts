import { defineScenarios } from '../types.js';

/**
 * JWKS and discovery faults. They need the scenario's own issuer URL
 * (/<issuer>/s/<scenario>): JWKS and discovery requests carry no client_id.
 */
export default defineScenarios(
  {
    name: 'jwks-kid-absent-single',
    description: 'one key per type, published and used without kid; the RS256 key listed last',
    faults: [
      { target: 'jwks', oneKeyPerType: true, removeKids: true },
      { target: 'id_token', header: { remove: ['kid'] } },
    ],
  },
  {
    name: 'jwks-kid-absent-multiple',
    description: 'two RSA keys without kid, the decoy listed first; the ID token has none either',
    faults: [
      { target: 'jwks', removeKids: true, addDecoyRsaKey: true },
      { target: 'id_token', header: { remove: ['kid'] } },
    ],
  },
  {
    name: 'jwks-duplicate-kid',
    description: "a decoy RSA key published first, under the signing key's kid",
    faults: [{ target: 'jwks', addDecoyRsaKey: true, decoyReusesKid: true }],
  },
  {
    name: 'jwks-use-enc',
    description: 'every published key is marked use: enc',
    faults: [{ target: 'jwks', useEnc: true }],
  },
  {
    name: 'jwks-unavailable',
    description: 'the JWKS endpoint answers 503 with an HTML page',
    faults: [{ target: 'jwks', status: 503 }],
  },
  {
    name: 'jwks-forbidden',
    description: 'the JWKS endpoint answers 403 with an HTML page, as a proxy or firewall that blocks it does',
    faults: [{ target: 'jwks', status: 403 }],
  },
  {
    name: 'jwks-slow',
    description: 'the JWKS endpoint answers after 2 s',
    faults: [{ target: 'transport', route: 'jwks', delayMs: 2000 }],
  },
  {
    name: 'jwks-no-store',
    description: 'the JWKS is served with Cache-Control: no-store',
    faults: [{ target: 'jwks', cacheControl: 'no-store' }],
  },
  {
    name: 'jwks-max-age',
    description: 'the JWKS is served with Cache-Control: public, max-age=600',
    faults: [{ target: 'jwks', cacheControl: 'public, max-age=600' }],
  },
  {
    name: 'jwks-uri-per-instance',
    description:
      'discovery advertises the JWKS at jwks-<random>, a path of this instance only (/jwks ' +
      'answers 404), and ID tokens are signed by a key published only there',
    jwksPath: 'per-instance',
    faults: [],
    steps: [
      {
        // At the first discovery, before any JWKS is served: a client that fetches its keys at start-up holds the new
        // key too, and only one that takes them from anywhere but the advertised jwks_uri lacks it.
        when: { route: 'discovery', nth: 1 },
        rotateSigningKey: true,
        faults: [{ target: 'id_token', sign: 'rotated' }],
      },
    ],
  },
  {
    name: 'key-rotation-nth-login',
    description: 'from the 2nd login on, ID tokens are signed by a new key (new kid), published beside the old one',
    faults: [],
    steps: [
      {
        when: { route: 'authorization', nth: 2 },
        rotateSigningKey: true,
        faults: [{ target: 'id_token', sign: 'rotated' }],
      },
    ],
  },
  {
    name: 'key-rotation-next-login',
    description:
      'from the next login on (armed just before it), ID tokens are signed by a new key (new ' +
      'kid), published beside the old one',
    faults: [],
    steps: [
      {
        when: { route: 'authorization', nth: 1 },
        rotateSigningKey: true,
        faults: [{ target: 'id_token', sign: 'rotated' }],
      },
    ],
  },
  {
    name: 'key-rotation-next-token',
    description:
      'the key rotates during the next login (armed just before it), between the authorization and the token request',
    faults: [],
    steps: [
      { when: { route: 'token', nth: 1 }, rotateSigningKey: true, faults: [{ target: 'id_token', sign: 'rotated' }] },
    ],
  },
  {
    name: 'key-rotation-before-signing',
    description: 'the key rotates during the 2nd login, between the authorization and the token request',
    faults: [],
    steps: [
      { when: { route: 'token', nth: 2 }, rotateSigningKey: true, faults: [{ target: 'id_token', sign: 'rotated' }] },
    ],
  },
  {
    name: 'key-rotation-old-key-retired',
    description: 'from the 2nd login on, a new key signs and the old one is no longer published',
    faults: [],
    steps: [
      {
        when: { route: 'authorization', nth: 2 },
        rotateSigningKey: true,
        faults: [
          { target: 'id_token', sign: 'rotated' },
          { target: 'jwks', retireOriginal: true },
        ],
      },
    ],
  },
  {
    name: 'discovery-issuer-mismatch',
    description: 'discovery names another issuer',
    faults: [{ target: 'discovery', set: { issuer: 'https://attacker.example' } }],
  },
  {
    name: 'discovery-issuer-trailing-slash',
    description: 'discovery names the issuer with an extra trailing slash',
    faults: [{ target: 'discovery', set: { issuer: { $template: '{iss}/' } } }],
  },
  {
    name: 'discovery-http-endpoints',
    description:
      'every endpoint in discovery is plain http on another host (the jwks_uri on the issuer host under its other ' +
      'loopback name, so a client that fetches keys at discovery goes on to the authorization endpoint)',
    faults: [{ target: 'discovery', httpEndpoints: true, endpointsHost: 'attacker.example', jwksUriOnOtherName: true }],
  },
  {
    name: 'discovery-endpoints-foreign-host',
    description: 'the token endpoint is on another host than the issuer',
    faults: [{ target: 'discovery', set: { token_endpoint: 'https://attacker.example/token' } }],
  },
);
