import { defineScenarios } from '../types.js';

/**
 * JWKS and discovery faults. They need the scenario's own issuer URL
 * (/<issuer>/s/<scenario>): JWKS and discovery requests carry no client_id.
 */
export default defineScenarios(
  { name: 'jwks-kid-absent-single', description: 'one key per type, published and used without kid', faults: [{ target: 'jwks', removeKids: true }, { target: 'id_token', header: { remove: ['kid'] } }] },
  { name: 'jwks-kid-absent-multiple', description: 'two RSA keys without kid; the ID token has none either', faults: [{ target: 'jwks', removeKids: true, addDecoyRsaKey: true }, { target: 'id_token', header: { remove: ['kid'] } }] },
  { name: 'jwks-duplicate-kid', description: 'a decoy RSA key published under the signing key\'s kid', faults: [{ target: 'jwks', addDecoyRsaKey: true, decoyReusesKid: true }] },
  { name: 'jwks-use-enc', description: 'every published key is marked use: enc', faults: [{ target: 'jwks', useEnc: true }] },
  { name: 'jwks-unavailable', description: 'the JWKS endpoint answers 503 with an HTML page', faults: [{ target: 'jwks', status: 503 }] },
  { name: 'discovery-issuer-mismatch', description: 'discovery names another issuer', faults: [{ target: 'discovery', set: { issuer: 'https://attacker.example' } }] },
  { name: 'discovery-http-endpoints', description: 'every endpoint in discovery is plain http on another host', faults: [{ target: 'discovery', httpEndpoints: true, endpointsHost: 'attacker.example' }] },
);
