import { defineScenarios } from '../types.js';

/** ID token header and signature faults: the JOSE attacks a client must not fall for. */
export default defineScenarios(
  { name: 'id-token-alg-none', description: 'unsigned, alg none', faults: [{ target: 'id_token', sign: 'none' }] },
  {
    name: 'id-token-hs256-public-key',
    description: "HS256 keyed with the issuer's RSA public key",
    faults: [{ target: 'id_token', sign: 'hs256-public-key' }],
  },
  {
    name: 'id-token-signature-corrupt',
    description: 'signature with a flipped byte',
    faults: [{ target: 'id_token', sign: 'corrupt' }],
  },
  {
    name: 'id-token-unpublished-key',
    description: 'signed by a key the JWKS does not hold',
    faults: [{ target: 'id_token', sign: 'unpublished-key' }],
  },
  {
    name: 'id-token-unpublished-key-same-kid',
    description: 'signed by an unpublished key under the published kid',
    faults: [{ target: 'id_token', sign: 'unpublished-key-same-kid' }],
  },
  {
    name: 'id-token-alg-unregistered',
    description: "signed ES256 by the issuer's published EC key; the client registered RS256",
    faults: [{ target: 'id_token', sign: 'other-alg' }],
  },
  {
    name: 'id-token-kid-unknown',
    description: 'kid names no published key',
    faults: [{ target: 'id_token', header: { set: { kid: 'no-such-kid' } } }],
  },
  {
    name: 'id-token-kid-missing',
    description: 'no kid header',
    faults: [{ target: 'id_token', header: { remove: ['kid'] } }],
  },
  {
    name: 'id-token-crit-unknown',
    description: 'an unknown critical header',
    faults: [{ target: 'id_token', header: { set: { crit: ['urn:example:unknown'], 'urn:example:unknown': true } } }],
  },
  {
    name: 'id-token-jku-injected',
    description: 'jku points at an attacker JWKS (served under another name for the host), signed by the attacker key',
    faults: [
      { target: 'id_token', header: { set: { jku: { $template: '{attacker_jwks_url}' } } }, sign: 'unpublished-key' },
    ],
  },
  {
    name: 'id-token-x5u-injected',
    description:
      'x5u points at an attacker certificate (served under another name for the host), signed by the attacker key',
    faults: [
      { target: 'id_token', header: { set: { x5u: { $template: '{attacker_cert_url}' } } }, sign: 'unpublished-key' },
    ],
  },
  {
    name: 'id-token-jwk-embedded',
    description: "the attacker's public key embedded as jwk, signed by it",
    faults: [{ target: 'id_token', header: { set: { jwk: { $attackerJwk: true } } }, sign: 'unpublished-key' }],
  },
);
