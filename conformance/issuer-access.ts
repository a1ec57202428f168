import type { ClientMetadata } from 'oidc-provider';
import type { MockIdp, SigningKey } from '../mock-idp/index.js';

/**
 * The little the kit reads of a running issuer beyond MockIdp's admin calls:
 * the clients a case copies, the keys the issuer signs logout tokens with, its
 * default user, whether it can serve a scenario, and the release of a case's
 * own scenario issuer. Named member by member, so that the kit depends on
 * these alone and not on the issuer runtime's class.
 */
export interface IssuerAccess {
  readonly clients: readonly ClientMetadata[];
  /** Private signing keys, the signing key first. */
  readonly keys: readonly SigningKey[];
  readonly users: { defaultUser(): { sub: string } | undefined };
  whyNotOffered(scenario: string, options: { armedOnClient: boolean }): string | undefined;
  releaseScenarioIssuer(segment: string): void;
}

export function issuerAccess(idp: MockIdp, issuerName: string): IssuerAccess {
  return idp.issuer(issuerName);
}
