import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { JWK } from 'jose';
import { fixturePath, publicJwk } from '../mock-idp/helpers.js';
import type { MockIdp } from '../mock-idp/index.js';
import { issuerAccess } from './issuer-access.js';
import type { ClientDefaults, ConformanceCase, FixedClient, TokenEndpointAuthMethod } from './types.js';

export async function registerFixedClient(idp: MockIdp, issuerName: string, client: FixedClient): Promise<void> {
  const method = client.tokenEndpointAuthMethod ?? (client.clientSecret ? 'client_secret_basic' : 'none');
  // A client the issuer already has (a profile's fixture client) keeps the rest of its
  // registration: grant types, logout URIs, a provider's application key.
  const existing = issuerAccess(idp, issuerName).clients.find((c) => c.client_id === client.clientId);
  await idp.admin.upsertClient(issuerName, {
    ...existing,
    client_id: client.clientId,
    redirect_uris: [...new Set([...client.redirectUris, ...(existing?.redirect_uris ?? [])])],
    token_endpoint_auth_method: method,
    ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
    ...(client.postLogoutRedirectUris
      ? {
          post_logout_redirect_uris: [
            ...new Set([...client.postLogoutRedirectUris, ...(existing?.post_logout_redirect_uris ?? [])]),
          ],
        }
      : {}),
    ...(client.backchannelLogoutUri
      ? { backchannel_logout_uri: client.backchannelLogoutUri, backchannel_logout_session_required: true }
      : {}),
  } as never);
}

export interface Registration {
  clientId: string;
  clientSecret: string;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  privateJwk?: JWK | undefined;
  template?: string | undefined;
  applicationKey?: string | undefined;
}

// The kit's own private_key_jwt client key: a fixture, since RSA generation per case would dominate the run.
const clientKey = (
  JSON.parse(readFileSync(fixturePath('keys', 'clients', 'generic-private-key-jwt.json'), 'utf8')) as {
    keys: (JWK & { alg: string })[];
  }
).keys.find((k) => k.alg === 'RS256')!;

/** A client id in the template's own shape: Stitch's test-<uuid> ids stay valid there. */
function freshClientId(testCase: ConformanceCase, template: string | undefined): string {
  if (template && /^test-[0-9a-f-]{36}$/.test(template)) return `test-${randomUUID()}`;
  return `${template ?? 'conformance'}-${testCase.id}-${randomBytes(4).toString('hex')}`;
}

/**
 * The run's template client, for a case whose client needs nothing a copy of it lacks: no secret of its own, no
 * signed responses, and the template's own auth method if any (responseMode is the client's business, not the
 * registration's).
 */
function runTemplate(
  idp: MockIdp,
  issuerName: string,
  spec: NonNullable<ConformanceCase['client']>,
  template: string | undefined,
): string | undefined {
  if (!template || spec.secret || spec.idTokenSignedResponseAlg || spec.userinfoSignedResponseAlg) return undefined;
  const source = issuerAccess(idp, issuerName).clients.find((c) => c.client_id === template);
  const method = source?.token_endpoint_auth_method ?? 'client_secret_basic';
  return !spec.tokenEndpointAuthMethod || spec.tokenEndpointAuthMethod === method ? template : undefined;
}

/**
 * Registers the case's own client, so cases run in parallel without sharing
 * a scenario, a session or a log line: a copy of a fixture client when the
 * case names one, otherwise a confidential client of the case's auth method.
 */
export async function registerClient(
  idp: MockIdp,
  issuerName: string,
  testCase: ConformanceCase,
  redirectUri: string,
  defaults: ClientDefaults = {},
  postLogoutRedirectUris: readonly string[] = [],
): Promise<Registration> {
  const spec = testCase.client ?? {};
  const template = spec.template ?? runTemplate(idp, issuerName, spec, defaults.template);
  const clientId = freshClientId(testCase, template);
  if (template) {
    const source = issuerAccess(idp, issuerName).clients.find((c) => c.client_id === template);
    if (!source) throw new Error(`case ${testCase.id}: issuer ${issuerName} has no client ${template}`);
    await idp.admin.upsertClient(issuerName, {
      ...source,
      client_id: clientId,
      redirect_uris: [...new Set([...(source.redirect_uris ?? []), redirectUri])],
      ...(postLogoutRedirectUris.length
        ? {
            post_logout_redirect_uris: [
              ...new Set([...(source.post_logout_redirect_uris ?? []), ...postLogoutRedirectUris]),
            ],
          }
        : {}),
    } as never);
    return {
      clientId,
      clientSecret: String(source.client_secret ?? ''),
      tokenEndpointAuthMethod: (source.token_endpoint_auth_method ?? 'client_secret_basic') as TokenEndpointAuthMethod,
      template,
      ...(typeof source.key === 'string' ? { applicationKey: source.key } : {}),
    };
  }
  const method = spec.tokenEndpointAuthMethod ?? defaults.tokenEndpointAuthMethod ?? 'client_secret_basic';
  const clientSecret = spec.secret ?? randomBytes(32).toString('base64url');
  await idp.admin.upsertClient(issuerName, {
    client_id: clientId,
    redirect_uris: [...(defaults.redirectUris ?? [redirectUri])],
    token_endpoint_auth_method: method,
    ...(postLogoutRedirectUris.length ? { post_logout_redirect_uris: [...postLogoutRedirectUris] } : {}),
    ...(defaults.applicationType ? { application_type: defaults.applicationType } : {}),
    ...(spec.idTokenSignedResponseAlg ? { id_token_signed_response_alg: spec.idTokenSignedResponseAlg } : {}),
    ...(spec.userinfoSignedResponseAlg ? { userinfo_signed_response_alg: spec.userinfoSignedResponseAlg } : {}),
    ...(method === 'private_key_jwt'
      ? { jwks: { keys: [publicJwk(clientKey)] } }
      : method === 'none'
        ? {}
        : { client_secret: clientSecret }),
  } as never);
  return {
    clientId,
    clientSecret,
    tokenEndpointAuthMethod: method,
    ...(method === 'private_key_jwt' ? { privateJwk: clientKey } : {}),
  };
}
