import idTokenClaims from './catalog/id-token-claims.js';
import idTokenSignature from './catalog/id-token-signature.js';
import keysAndDiscovery from './catalog/keys-and-discovery.js';
import responses from './catalog/responses.js';
import tokensAndTransport from './catalog/tokens-and-transport.js';
import type { Scenario } from './types.js';

export type { Fault, Scenario, SignatureFault, ValueSpec } from './types.js';

/** Every named scenario. A new misbehaviour is an entry in one of the catalog files. */
export const scenarios: ReadonlyMap<string, Scenario> = new Map(
  [...idTokenClaims, ...idTokenSignature, ...responses, ...tokensAndTransport, ...keysAndDiscovery].map((s) => [
    s.name,
    s,
  ]),
);

/** How many named scenarios one composition may join: enough for any test, bounded for names that come from URLs. */
export const MAX_COMPOSED = 4;

/**
 * A scenario by name, or several joined with `+` (`id-token-aud-wrong+token-slow`):
 * every part's faults and steps apply together, in the order named. A part that
 * is unknown or named twice makes the whole name unknown.
 */
export function findScenario(name: string): Scenario | undefined {
  const single = scenarios.get(name);
  if (single || !name.includes('+')) return single;
  const names = name.split('+');
  if (names.length > MAX_COMPOSED || new Set(names).size !== names.length) return undefined;
  const parts = names.map((part) => scenarios.get(part));
  if (parts.some((part) => part === undefined)) return undefined;
  const found = parts as Scenario[];
  const steps = found.flatMap((part) => part.steps ?? []);
  return {
    name,
    description: found.map((part) => part.description).join(' And: '),
    faults: found.flatMap((part) => part.faults),
    ...(steps.length ? { steps } : {}),
    ...(found.some((part) => part.jwksPath) ? { jwksPath: 'per-instance' as const } : {}),
  };
}
