import type { KoaContextWithOIDC } from 'oidc-provider';
import type { SigningKey } from '../keys/key-set.js';
import type { Middleware } from '../profiles/types.js';
import { recordOf } from '../issuer/evidence.js';
import { applyIdTokenFault } from './id-token.js';
import type { AuthorizationResponseFault, DiscoveryFault, Fault, JwksFault, Scenario, UserinfoFault } from './types.js';
import { attackerPublicJwk } from './id-token.js';
import { evaluate } from './values.js';

export interface ScenarioHost {
  keys(): readonly SigningKey[];
  /** The scenario bound to this client on this issuer, if any. */
  scenarioFor(clientId: string | undefined): Scenario | undefined;
}

const AUTHORIZATION_ROUTES = new Set(['authorization', 'resume']);

function faultsOf<T extends Fault['target']>(scenario: Scenario, target: T): Extract<Fault, { target: T }>[] {
  return scenario.faults.filter((f): f is Extract<Fault, { target: T }> => f.target === target);
}

function clientIdOf(koa: KoaContextWithOIDC): string | undefined {
  const query = koa.query.client_id;
  return koa.oidc?.client?.clientId ?? (typeof query === 'string' ? query : undefined);
}

function applyRedirectFaults(koa: KoaContextWithOIDC, faults: AuthorizationResponseFault[]): void {
  const location = koa.response.get('location');
  if (!location) return;
  const url = new URL(location);
  for (const fault of faults) {
    if (fault.error) {
      url.searchParams.delete('code');
      url.searchParams.set('error', fault.error.error);
      if (fault.error.error_description) url.searchParams.set('error_description', fault.error.error_description);
    }
    for (const [name, value] of Object.entries(fault.set ?? {})) {
      if (value === null) url.searchParams.delete(name);
      else url.searchParams.set(name, value);
    }
  }
  koa.set('location', url.href);
}

function applyUserinfoFaults(body: Record<string, unknown>, faults: UserinfoFault[]): void {
  const now = Math.floor(Date.now() / 1000);
  for (const fault of faults) {
    const before = { ...body };
    for (const [name, spec] of Object.entries(fault.set ?? {})) body[name] = evaluate(spec, { now, current: body[name], claims: before, attackerJwk: {} });
    for (const name of fault.remove ?? []) delete body[name];
  }
}

function applyJwksFaults(koa: KoaContextWithOIDC, faults: JwksFault[]): void {
  for (const fault of faults) {
    if (fault.status) {
      koa.status = fault.status;
      koa.type = 'html';
      koa.body = `<!DOCTYPE html><html><body><h1>${fault.status} Service Unavailable</h1></body></html>`;
      return;
    }
    const body = koa.body as { keys: Record<string, unknown>[] };
    const signingRsa = body.keys.find((k) => k.kty === 'RSA');
    if (fault.addDecoyRsaKey) {
      body.keys.push({ ...attackerPublicJwk, kid: fault.decoyReusesKid ? signingRsa?.kid : attackerPublicJwk.kid });
    }
    for (const key of body.keys) {
      if (fault.removeKids) delete key.kid;
      if (fault.useEnc) key.use = 'enc';
    }
    if (fault.cacheControl) koa.set('cache-control', fault.cacheControl);
  }
}

function applyDiscoveryFaults(body: Record<string, unknown>, faults: DiscoveryFault[]): void {
  const now = Math.floor(Date.now() / 1000);
  for (const fault of faults) {
    const before = { ...body };
    for (const [name, spec] of Object.entries(fault.set ?? {})) body[name] = evaluate(spec, { now, current: body[name], claims: before, attackerJwk: attackerPublicJwk });
    if (fault.httpEndpoints || fault.endpointsHost) {
      for (const [name, value] of Object.entries(body)) {
        if (typeof value !== 'string' || !(name.endsWith('_endpoint') || name === 'jwks_uri')) continue;
        const url = new URL(value);
        if (fault.httpEndpoints) url.protocol = 'http:';
        if (fault.endpointsHost) url.host = fault.endpointsHost;
        body[name] = url.href;
      }
    }
  }
}

/**
 * Applies the faults of the scenario bound to the request's client, after the
 * issuer (and its profile's quirks) produced a correct response. It is the
 * outermost layer, so what the client receives is the correct answer with
 * exactly the scenario's defects.
 */
export function scenarioMiddleware(host: ScenarioHost): Middleware {
  return async (koa, next) => {
    await next();
    const route = koa.oidc?.route;
    if (!route) return;
    const scenario = host.scenarioFor(clientIdOf(koa));
    if (!scenario) return;
    const record = recordOf(koa.req);
    if (record) record.notes = [...(record.notes ?? []), `scenario: ${scenario.name}`];

    if (route === 'token' && koa.status === 200) {
      const body = koa.body as Record<string, unknown>;
      const grant = String(koa.oidc.params?.grant_type ?? '');
      for (const fault of faultsOf(scenario, 'id_token')) {
        if (typeof body.id_token !== 'string' || (fault.grant && fault.grant !== grant)) continue;
        body.id_token = await applyIdTokenFault(body.id_token, fault, host.keys());
      }
    } else if (AUTHORIZATION_ROUTES.has(route) && koa.status >= 300 && koa.status < 400) {
      applyRedirectFaults(koa, faultsOf(scenario, 'authorization_response'));
    } else if (route === 'userinfo' && koa.status === 200 && koa.body && typeof koa.body === 'object') {
      applyUserinfoFaults(koa.body as Record<string, unknown>, faultsOf(scenario, 'userinfo'));
    } else if (route === 'jwks' && koa.status === 200) {
      applyJwksFaults(koa, faultsOf(scenario, 'jwks'));
    } else if (route === 'discovery' && koa.status === 200 && koa.body && typeof koa.body === 'object') {
      applyDiscoveryFaults(koa.body as Record<string, unknown>, faultsOf(scenario, 'discovery'));
    }
  };
}
