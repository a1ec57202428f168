import type { KoaContextWithOIDC } from 'oidc-provider';
import { peekFormBody, rewriteFormBody } from '../../kernel/form-body.js';
import type { Quirk } from '../../kernel/plugin-types.js';

/** Microsoft Graph, the resource of a scope that names none ("User.Read"). */
export const GRAPH = 'https://graph.microsoft.com';

const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

/** What a token request asked of Entra, beyond what oidc-provider handles: its resource and client_info. */
export interface EntraRequest {
  /** The resource the access token is for: Graph unless a scope names another. */
  resource: string;
  /** The resource's scopes as requested, without the resource (User.Read, .default). */
  resourceScopes: string[];
  clientInfo: boolean;
}

const REQUEST = Symbol('entra.request');
type WithRequest = KoaContextWithOIDC & { [REQUEST]?: EntraRequest };

/** The Entra parts of the token request being answered, when it had any. */
export function entraRequest(koa: KoaContextWithOIDC): EntraRequest | undefined {
  return (koa as WithRequest)[REQUEST];
}

/**
 * "https://graph.microsoft.com/User.Read" → [Graph, "User.Read"]; "api://app/read" → ["api://app", "read"];
 * "User.Read" → [Graph, "User.Read"].
 */
function resourceOf(scope: string): [string, string] {
  const slash = scope.lastIndexOf('/');
  return slash > 0 ? [scope.slice(0, slash), scope.slice(slash + 1)] : [GRAPH, scope];
}

export function splitScopes(scope: string): { oidc: string[]; resources: Map<string, string[]> } {
  const oidc: string[] = [];
  const resources = new Map<string, string[]>();
  for (const s of scope.split(' ').filter(Boolean)) {
    if (OIDC_SCOPES.has(s)) {
      oidc.push(s);
      continue;
    }
    const [resource, name] = resourceOf(s);
    resources.set(resource, [...(resources.get(resource) ?? []), name]);
  }
  return { oidc, resources };
}

function reject(koa: KoaContextWithOIDC, code: number, message: string): void {
  koa.status = 400;
  koa.body = { error: 'invalid_scope', error_description: message, aadsts: code };
}

/**
 * Entra's v2.0 scopes name a resource: "User.Read" (Graph), "api://<app>/read",
 * "https://graph.microsoft.com/.default". oidc-provider knows only the OpenID
 * scopes, so the resource scopes are taken out of authorization and token
 * requests here and kept for the access token; the token request's scopes decide
 * its resource (msal repeats them there). One resource per request, and client
 * credentials only with <resource>/.default, as Entra rules.
 */
export function entraScopes(): Quirk {
  return {
    name: 'entra-scopes',
    description: 'resource scopes (User.Read, api://…/x, …/.default) select the access token resource',
    middleware: (ctx) => async (koa, next) => {
      if ((koa.method === 'GET' || koa.method === 'POST') && koa.path === ctx.routes.authorization) {
        const scope = koa.query.scope;
        if (typeof scope === 'string') {
          const { oidc } = splitScopes(scope);
          koa.query = { ...koa.query, scope: oidc.length ? oidc.join(' ') : 'openid' };
        }
        return next();
      }
      if (koa.method !== 'POST' || koa.path !== ctx.routes.token) return next();
      if (!(koa.get('content-type') ?? '').includes('application/x-www-form-urlencoded')) return next();
      const peeked = await peekFormBody(koa);
      const scope = peeked.get('scope') ?? '';
      const { oidc, resources } = splitScopes(scope);
      if (resources.size > 1)
        return reject(
          koa,
          28000,
          'Provided value for the input parameter scope is not valid because it contains more than one resource. ' +
            `Scope ${scope} is not valid.`,
        );
      const [resource, resourceScopes] = [...resources][0] ?? [GRAPH, []];
      if (peeked.get('grant_type') === 'client_credentials' && (resourceScopes.join(' ') !== '.default' || oidc.length))
        return reject(
          koa,
          1002012,
          `The provided value for scope ${scope} is not valid. ` +
            'Client credential flows must have a scope value with /.default suffixed to the resource identifier ' +
            '(application ID URI).',
        );
      (koa as WithRequest)[REQUEST] = { resource, resourceScopes, clientInfo: peeked.get('client_info') === '1' };
      if (resources.size)
        await rewriteFormBody(koa, (params) => {
          if (oidc.length) params.set('scope', oidc.join(' '));
          else params.delete('scope');
        });
      return next();
    },
  };
}
