import type { SigningKey } from '../keys/key-set.js';
import type { Fault, Scenario } from './types.js';

/** What an issuer has that some faults need. */
export interface ScenarioHostFacts {
  /** False for a plain OAuth 2 issuer (Stack Exchange): no ID token, userinfo, JWKS or discovery to fault. */
  openid: boolean;
  keys: readonly SigningKey[];
}

const OPENID_TARGETS: ReadonlySet<Fault['target']> = new Set(['id_token', 'userinfo', 'jwks', 'discovery']);

/**
 * Why the issuer cannot produce this scenario's faults, or undefined when it
 * can. A scenario armed where it cannot be served would answer with a valid
 * response (or an error of the IdP's own), and a test would take that for the
 * fault; refusing to arm it says so at once.
 */
export function whyNotOffered(scenario: Scenario, host: ScenarioHostFacts): string | undefined {
  const faults = [...scenario.faults, ...(scenario.steps ?? []).flatMap((step) => step.faults ?? [])];
  const openidOnly = faults.find((fault) => OPENID_TARGETS.has(fault.target) || (fault.target === 'transport' && fault.route !== 'token'));
  if (!host.openid && openidOnly) return `scenario "${scenario.name}" faults the ${openidOnly.target === 'transport' ? openidOnly.route : openidOnly.target}, which a plain OAuth 2 issuer does not serve`;
  const signingAlg = host.keys[0]?.alg;
  const needsOtherAlg = faults.some((fault) => fault.target === 'id_token' && fault.sign === 'other-alg');
  if (needsOtherAlg && !host.keys.some((key) => key.alg !== signingAlg && !key.alg.startsWith('HS'))) {
    return `scenario "${scenario.name}" signs with a second algorithm, and this issuer publishes only ${signingAlg} keys`;
  }
  return undefined;
}
