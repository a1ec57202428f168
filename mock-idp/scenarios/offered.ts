import type { SigningKey } from '../keys/key-set.js';
import type { Fault, Scenario } from './types.js';

/** What an issuer has that some faults need. */
export interface ScenarioHostFacts {
  /** False for a plain OAuth 2 issuer (Stack Exchange): no ID token, userinfo, JWKS or discovery to fault. */
  openid: boolean;
  keys: readonly SigningKey[];
  /** The ID token algorithms the issuer publishes keys for and signs with; undefined: any its keys allow. */
  idTokenAlgs?: readonly string[] | undefined;
  /** It answers userinfo as a signed JWT to a client that registered for it. */
  signsUserinfo: boolean;
  /** False where the provider has no userinfo endpoint (Apple): nothing there to fault. */
  userinfo?: boolean | undefined;
  /** False where the provider sends no RFC 9207 iss with the authorization response: none to remove. */
  issParameter?: boolean | undefined;
  /** False where the issuer offers no RP-initiated logout (GitLab, Google): no post-logout redirect to fault. */
  rpInitiatedLogout?: boolean | undefined;
  /** Armed on one client, not served on a scenario issuer URL: JWKS and discovery requests name no client. */
  armedOnClient: boolean;
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
  const openidOnly = faults.find(
    (fault) => OPENID_TARGETS.has(fault.target) || (fault.target === 'transport' && fault.route !== 'token'),
  );
  if (!host.openid && openidOnly)
    return (
      `scenario "${scenario.name}" faults the ` +
      `${openidOnly.target === 'transport' ? openidOnly.route : openidOnly.target}, which a ` +
      `plain OAuth 2 issuer does not serve`
    );
  const userinfo = faults.find(
    (fault) => fault.target === 'userinfo' || (fault.target === 'transport' && fault.route === 'userinfo'),
  );
  if (host.userinfo === false && userinfo)
    return `scenario "${scenario.name}" faults the userinfo answer, and this issuer has no userinfo endpoint`;
  const removesIss = faults.some((fault) => fault.target === 'authorization_response' && fault.set?.iss === null);
  if (host.issParameter === false && removesIss)
    return (
      `scenario "${scenario.name}" removes the iss parameter, which this issuer never sends with ` +
      `its authorization response`
    );
  if (host.rpInitiatedLogout === false && faults.some((fault) => fault.target === 'post_logout_redirect'))
    return (
      `scenario "${scenario.name}" faults the redirect back after RP-initiated logout, which this issuer does not ` +
      'offer'
    );
  const signingAlg = host.keys[0]?.alg;
  const needsOtherAlg = faults.some((fault) => fault.target === 'id_token' && fault.sign === 'other-alg');
  const otherAlg = host.keys.find(
    (key) => key.alg !== signingAlg && !key.alg.startsWith('HS') && (host.idTokenAlgs?.includes(key.alg) ?? true),
  );
  if (needsOtherAlg && !otherAlg)
    return (
      `scenario "${scenario.name}" signs with a second algorithm, and this issuer publishes only ` +
      `${signingAlg} keys`
    );
  if (!host.signsUserinfo && faults.some((fault) => fault.target === 'userinfo' && fault.corruptSignature)) {
    return (
      `scenario "${scenario.name}" corrupts a signed userinfo answer, and this issuer answers ` +
      `userinfo as plain JSON`
    );
  }
  const clientless = faults.find(
    (fault) =>
      fault.target === 'jwks' ||
      fault.target === 'discovery' ||
      (fault.target === 'transport' && (fault.route === 'jwks' || fault.route === 'discovery')),
  );
  // A step at discovery too: discovery requests name no client, so only a scenario issuer's own run counts them.
  const atDiscovery = scenario.steps?.some((step) => step.when.route === 'discovery');
  if (host.armedOnClient && (clientless || scenario.jwksPath || atDiscovery)) {
    return (
      `scenario "${scenario.name}" faults the JWKS or discovery, which no client_id selects: ` +
      `serve it at <issuer>/s/${scenario.name}`
    );
  }
  return undefined;
}
