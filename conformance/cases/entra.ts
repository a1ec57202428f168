import { defineCases } from '../types.js';
import { noUserinfoAfterToken } from './evidence.js';

/** The web app of fixtures/clients/entra.json, copied for each case. */
const WEB_APP = '3f7d2a1c-5b8e-4c6f-9a0d-1e2b3c4d5e6f';

/**
 * Microsoft Entra ID's multi-tenant trap: on common and organizations discovery names the
 * issuer https://login.microsoftonline.com/{tenantid}/v2.0, and each ID token names its own
 * tenant. Run only against an entra issuer (mock-idp's default one is common).
 */
export default defineCases(
  {
    id: 'entra-tenantid-issuer',
    aliases: [],
    title: "Entra: accepts the ID token whose iss is the {tenantid} issuer with the token's own tid in it",
    area: 'profile',
    refs: ['Entra OpenID Connect docs', 'OIDC Core 3.1.3.7 (2)'],
    level: 'MUST',
    profiles: ['entra'],
    client: { template: WEB_APP },
    expect: 'accept',
  },
  {
    id: 'entra-tenantid-other-tenant',
    aliases: [],
    title: 'Entra: rejects an ID token whose iss names another tenant than its tid (the template filled by any tenant)',
    area: 'profile',
    refs: ['Entra OpenID Connect docs', 'OIDC Core 3.1.3.7 (2)'],
    level: 'MUST',
    profiles: ['entra'],
    client: { template: WEB_APP },
    scenario: 'id-token-tid-wrong',
    expect: 'reject',
    evidence: noUserinfoAfterToken,
  },
);
