import { createHash } from 'node:crypto';
import type { Quirk } from '../../kernel/plugin-types.js';
import { reshapeResponse } from '../../quirks/reshape-response.js';
import { ID_TOKEN_PATH } from './id-token.js';

export const JWKS_PATH = '/.well-known/jwks';
const DISCOVERY_PATH = '/.well-known/openid-configuration';

/** claims_supported as token.actions.githubusercontent.com publishes it. */
export const GITHUB_ACTIONS_CLAIMS = [
  'sub',
  'aud',
  'exp',
  'iat',
  'iss',
  'jti',
  'nbf',
  'ref',
  'sha',
  'repository',
  'repository_id',
  'repository_owner',
  'repository_owner_id',
  'enterprise',
  'enterprise_id',
  'run_id',
  'run_number',
  'run_attempt',
  'actor',
  'actor_id',
  'workflow',
  'workflow_ref',
  'workflow_sha',
  'head_ref',
  'base_ref',
  'event_name',
  'ref_type',
  'ref_protected',
  'environment',
  'environment_node_id',
  'job_workflow_ref',
  'job_workflow_sha',
  'repository_visibility',
  'runner_environment',
  'issuer_scope',
  'check_run_id',
];

/**
 * The discovery document, field for field as token.actions.githubusercontent.com publishes it: the issuer and
 * its JWKS, and no endpoint a client could log in at.
 */
export function githubActionsDiscovery(): Quirk {
  return reshapeResponse({
    name: 'github-actions-discovery',
    description: 'discovery is GitHub’s: issuer, jwks_uri, response_types id_token, the workflow claims',
    routes: [DISCOVERY_PATH],
    when: 'success',
    reshape(body, koa) {
      koa.body = {
        issuer: body.issuer,
        jwks_uri: body.jwks_uri,
        subject_types_supported: ['public', 'pairwise'],
        response_types_supported: ['id_token'],
        claims_supported: GITHUB_ACTIONS_CLAIMS,
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid'],
      };
    },
  });
}

/** Each JWKS key with a certificate carries its SHA-1 thumbprint as x5t, as GitHub's keys (and token headers) do. */
export function githubActionsJwks(): Quirk {
  return reshapeResponse({
    name: 'github-actions-jwks',
    description: 'JWKS keys with a certificate carry x5t',
    routes: ['jwks'],
    when: 'success',
    reshape(body) {
      if (!Array.isArray(body.keys)) return;
      body.keys = (body.keys as Record<string, unknown>[]).map((key) => {
        const cert = Array.isArray(key.x5c) && typeof key.x5c[0] === 'string' ? key.x5c[0] : undefined;
        if (!cert || key.x5t) return key;
        return { ...key, x5t: createHash('sha1').update(Buffer.from(cert, 'base64')).digest('base64url') };
      });
    },
  });
}

/**
 * Nobody logs in here: the issuer answers its discovery document, its JWKS and the jobs' token requests, and a
 * 404 for everything else (authorize, token, userinfo…), so a client cannot lean on endpoints GitHub lacks.
 */
export function githubActionsEndpoints(): Quirk {
  return {
    name: 'github-actions-endpoints',
    description: 'only discovery, /.well-known/jwks and /idtoken/<job>: no authorize, token or userinfo',
    middleware: () => async (koa, next) => {
      if (koa.path === DISCOVERY_PATH || koa.path === JWKS_PATH || koa.path.startsWith(ID_TOKEN_PATH)) return next();
      koa.status = 404;
      koa.body = { message: 'Not Found' };
    },
  };
}
