import idTokenClaims from './catalog/id-token-claims.js';
import idTokenSignature from './catalog/id-token-signature.js';
import keysAndDiscovery from './catalog/keys-and-discovery.js';
import responses from './catalog/responses.js';
import tokensAndTransport from './catalog/tokens-and-transport.js';
import type { Scenario } from './types.js';

export type { Scenario, Fault, ValueSpec, SignatureFault } from './types.js';

/** Every named scenario. A new misbehaviour is an entry in one of the catalog files. */
export const scenarios: ReadonlyMap<string, Scenario> = new Map(
  [...idTokenClaims, ...idTokenSignature, ...responses, ...tokensAndTransport, ...keysAndDiscovery].map((s) => [s.name, s]),
);

export function findScenario(name: string): Scenario | undefined {
  return scenarios.get(name);
}
