import { defineScenarios } from '../types.js';

/** Authorization response and userinfo faults. */
export default defineScenarios(
  { name: 'state-altered', description: 'state changed in the redirect', faults: [{ target: 'authorization_response', set: { state: 'altered-state' } }] },
  { name: 'state-missing', description: 'state removed from the redirect', faults: [{ target: 'authorization_response', set: { state: null } }] },
  { name: 'iss-param-wrong', description: 'RFC 9207 iss names another issuer', faults: [{ target: 'authorization_response', set: { iss: 'https://attacker.example' } }] },
  { name: 'iss-param-missing', description: 'RFC 9207 iss removed although advertised', faults: [{ target: 'authorization_response', set: { iss: null } }] },
  { name: 'authorization-error', description: 'the authorization server answers access_denied', faults: [{ target: 'authorization_response', error: { error: 'access_denied', error_description: 'The resource owner denied the request' } }] },
  { name: 'userinfo-sub-mismatch', description: 'userinfo names another subject than the ID token', faults: [{ target: 'userinfo', set: { sub: 'someone-else' } }] },
  { name: 'userinfo-sub-missing', description: 'userinfo without sub', faults: [{ target: 'userinfo', remove: ['sub'] }] },
);
