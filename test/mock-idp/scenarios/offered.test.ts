import { describe, expect, it } from 'vitest';
import { whyNotOffered } from '../../../mock-idp/scenarios/offered.js';
import type { Scenario } from '../../../mock-idp/scenarios/types.js';

const facts = { openid: true, keys: [], signsUserinfo: false };

describe('a scenario armed on one client', () => {
  it('is refused when one of its steps waits for a discovery request, which names no client', () => {
    const atDiscovery: Scenario = {
      name: 'rotate-at-discovery',
      description: 'rotates the signing key at the first discovery',
      faults: [{ target: 'id_token', sign: 'rotated' }],
      steps: [{ when: { route: 'discovery', nth: 1 }, rotateSigningKey: true }],
    };
    expect(whyNotOffered(atDiscovery, { ...facts, armedOnClient: true })).toBe(
      'scenario "rotate-at-discovery" faults the JWKS or discovery, which no client_id selects: ' +
        'serve it at <issuer>/s/rotate-at-discovery',
    );
    // On its own issuer URL the instance's run counts every discovery request.
    expect(whyNotOffered(atDiscovery, { ...facts, armedOnClient: false })).toBeUndefined();
    // The same step at an authorization request names the client: armed on it, it is served.
    const atLogin: Scenario = {
      ...atDiscovery,
      steps: [{ when: { route: 'authorization', nth: 1 }, rotateSigningKey: true }],
    };
    expect(whyNotOffered(atLogin, { ...facts, armedOnClient: true })).toBeUndefined();
  });
});
