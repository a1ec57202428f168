import { STATUS_CODES } from 'node:http';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { setRequestClockOffset, setRequestClockResolver } from '../kernel/clock.js';
import { recordOf } from '../kernel/evidence.js';
import type { Middleware } from '../kernel/plugin-types.js';
import type { TokenFacade } from '../kernel/token-facade.js';
import type { SigningKey } from '../keys/key-set.js';
import { publicJwk } from '../keys/key-set.js';
import { basicClientId } from '../log/mask.js';
import { applyAuthorizationResponseFaults } from './authorization-response.js';
import { foreignHostname } from './foreign-host.js';
import { applyIdTokenFault, attackerPublicJwk, flipSignatureByte, withReplayedClaims } from './id-token.js';
import { applyPostLogoutRedirectFaults } from './post-logout-redirect.js';
import type { ScenarioRun } from './run.js';
import { servedFault } from './served.js';
import type { DiscoveryFault, Fault, JwksFault, TokenResponseFault, UserinfoFault } from './types.js';
import { evaluate } from './values.js';

export interface ScenarioHost {
  /** The issuer's own URL (not its `iss` template): the jku and x5u scenarios name its server under another host. */
  issuer: string;
  keys(): readonly SigningKey[];
  /** The run of the scenario bound to this client on this issuer (or to the whole issuer), if any. */
  runFor(clientId: string | undefined): ScenarioRun | undefined;
  /** Keys brought into use by this issuer's rotation steps: published beside its own. */
  rotatedKeys(): readonly SigningKey[];
  /** Whether any client has a scenario armed (or this is a scenario issuer). */
  anyArmed(): boolean;
  /** The issuer's presented-token map: a reissued access token must keep working. */
  tokens: TokenFacade;
}

function clientIdOf(koa: KoaContextWithOIDC): string | undefined {
  const query = koa.query.client_id;
  return koa.oidc?.client?.clientId ?? (typeof query === 'string' ? query : undefined);
}

function applyUserinfoFaults(body: Record<string, unknown>, faults: UserinfoFault[]): boolean {
  const now = Math.floor(Date.now() / 1000);
  for (const fault of faults) {
    const before = { ...body };
    for (const [name, spec] of Object.entries(fault.set ?? {}))
      body[name] = evaluate(spec, { now, current: body[name], claims: before, attackerJwk: {} });
    for (const name of fault.remove ?? []) delete body[name];
  }
  return faults.some((fault) => fault.set || fault.remove);
}

/** True when the JWKS served differs from the issuer's own: a fault, or a rotated key published beside it. */
function applyJwksFaults(koa: KoaContextWithOIDC, faults: JwksFault[], rotated: readonly SigningKey[]): boolean {
  if (faults.length === 0 && rotated.length === 0) return false;
  const unavailable = faults.find((fault) => fault.status);
  if (unavailable?.status) {
    koa.status = unavailable.status;
    koa.type = 'html';
    const title = `${unavailable.status} ${STATUS_CODES[unavailable.status] ?? 'Error'}`;
    koa.body = `<!DOCTYPE html><html><body><h1>${title}</h1></body></html>`;
    return true;
  }
  const body = koa.body as { keys: Record<string, unknown>[] };
  // oidc-provider answers every JWKS request with the same array and key objects: this answer gets copies.
  let own = body.keys.map((key) => ({ ...key }));
  if (faults.some((f) => f.retireOriginal) && rotated.length > 0) own = [];
  own.push(...rotated.map((key) => publicJwk(key) as Record<string, unknown>));
  // Signing keys come first in each issuer's key set (the same order the issuer signs with); once a rotation has
  // fired, its newest key signs instead, for its type.
  const signer = rotated.length > 0 ? own.at(-1) : undefined;
  const signing = (kty: unknown) => (signer?.kty === kty ? signer : own.find((k) => k.kty === kty));
  const signingRsa = signing('RSA');
  // With one key per type, the one of the issuer's default alg (RS256) is served last and decoys first, so that a
  // client that takes the first key, not one that fits, does not sign in.
  if (faults.some((f) => f.oneKeyPerType))
    own = [...new Set(own.map((k) => k.kty))].map((kty) => signing(kty)!).reverse();
  const decoys = faults
    .filter((f) => f.addDecoyRsaKey)
    .map((f) => ({ ...attackerPublicJwk, kid: f.decoyReusesKid ? signingRsa?.kid : attackerPublicJwk.kid }));
  body.keys = [...decoys, ...own];
  const removeKids = faults.some((f) => f.removeKids);
  const useEnc = faults.some((f) => f.useEnc);
  for (const key of body.keys) {
    if (removeKids) delete key.kid;
    if (useEnc) key.use = 'enc';
  }
  for (const fault of faults) if (fault.cacheControl) koa.set('cache-control', fault.cacheControl);
  return true;
}

function applyDiscoveryFaults(body: Record<string, unknown>, faults: DiscoveryFault[]): boolean {
  const now = Math.floor(Date.now() / 1000);
  for (const fault of faults) {
    const before = { ...body };
    for (const [name, spec] of Object.entries(fault.set ?? {}))
      body[name] = evaluate(spec, { now, current: body[name], claims: before, attackerJwk: attackerPublicJwk });
    if (fault.httpEndpoints || fault.endpointsHost) {
      for (const [name, value] of Object.entries(body)) {
        if (typeof value !== 'string' || !(name.endsWith('_endpoint') || name === 'jwks_uri')) continue;
        const url = new URL(value);
        const keysHost = name === 'jwks_uri' && fault.jwksUriOnOtherName ? foreignHostname(value) : undefined;
        if (fault.httpEndpoints) url.protocol = 'http:';
        if (keysHost) url.hostname = keysHost;
        else if (fault.endpointsHost) url.host = fault.endpointsHost;
        body[name] = url.href;
      }
    }
  }
  return faults.length > 0;
}

/** A plain OAuth 2 profile's form-encoded token answer (Stack Exchange): it takes the same faults as JSON. */
function formBody(koa: KoaContextWithOIDC): URLSearchParams | undefined {
  return typeof koa.body === 'string' && koa.type.includes('x-www-form-urlencoded')
    ? new URLSearchParams(koa.body)
    : undefined;
}

/**
 * True when the answer differs from the one the issuer gave: a fault with nothing to change (no expires_in to drop) is
 * not served.
 */
function applyTokenResponseFaults(
  koa: KoaContextWithOIDC,
  faults: TokenResponseFault[],
  grant: string,
  tokens: TokenFacade,
): boolean {
  const now = Math.floor(Date.now() / 1000);
  const answered = JSON.stringify([koa.status, koa.body]);
  let applied = false;
  for (const fault of faults) {
    if (fault.grant && fault.grant !== grant) continue;
    applied = true;
    if (fault.error) {
      const { status, error, error_description: description, headers, body } = fault.error;
      koa.status = status;
      for (const [name, value] of Object.entries(headers ?? {})) koa.set(name, value);
      if (body === 'text') {
        koa.type = 'text/plain';
        koa.body = description ?? error ?? 'Bad Request';
      } else {
        koa.body = { ...(error ? { error } : {}), ...(description ? { error_description: description } : {}) };
      }
      continue;
    }
    if (fault.accessTokenWith) reissueAccessToken(koa, fault.accessTokenWith, tokens);
    const form = formBody(koa);
    if (!form && (typeof koa.body !== 'object' || koa.body === null)) continue;
    const body = form ? (Object.fromEntries(form) as Record<string, unknown>) : (koa.body as Record<string, unknown>);
    const before = { ...body };
    for (const [name, spec] of Object.entries(fault.set ?? {}))
      body[name] = evaluate(spec, { now, current: body[name], claims: before, attackerJwk: attackerPublicJwk });
    for (const name of fault.remove ?? []) delete body[name];
    if (form)
      koa.body = new URLSearchParams(Object.entries(body).map(([name, value]) => [name, String(value)])).toString();
  }
  return applied && JSON.stringify([koa.status, koa.body]) !== answered;
}

/**
 * Hands the access token out again with `chars` mixed in, in a JSON or a
 * form-encoded answer (Stack Exchange's), and maps the new form to the real
 * token, so it works wherever it arrives intact.
 */
function reissueAccessToken(koa: KoaContextWithOIDC, chars: string, tokens: TokenFacade): void {
  const form = formBody(koa);
  const json = form ? undefined : (koa.body as Record<string, unknown>);
  const issued = form ? form.get('access_token') : json?.access_token;
  if (typeof issued !== 'string' || issued.length < 8) return;
  const reissued = `${issued.slice(0, 4)}${chars}${issued.slice(4)}`;
  const ttl = Number(form?.get('expires') ?? json?.expires_in ?? 3600) || 3600;
  tokens.present(tokens.resolve(issued), reissued, ttl);
  if (form) {
    form.set('access_token', reissued);
    koa.body = form.toString();
  } else {
    json!.access_token = reissued;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function applyTransportFaults(koa: KoaContextWithOIDC, run: ScenarioRun, route: string): Promise<boolean> {
  let applied = false;
  for (const fault of run.faults('transport')) {
    if (fault.route !== route || koa.status >= 400 || !run.consume(fault)) continue;
    applied = true;
    if (fault.delayMs) await sleep(fault.delayMs);
    if (fault.status) koa.status = fault.status;
    if (fault.retryAfter !== undefined) koa.set('retry-after', String(fault.retryAfter));
    if (fault.body === 'html') {
      koa.type = 'html';
      koa.body =
        `<!DOCTYPE html><html><head><title>${koa.status} ` +
        `Error</title></head><body><h1>${koa.status} Error</h1><p>The upstream server did not ` +
        `answer in time.</p></body></html>`;
    } else if (fault.body === 'truncated') {
      const json = typeof koa.body === 'string' ? koa.body : JSON.stringify(koa.body ?? {});
      koa.type = 'json';
      koa.body = json.slice(0, Math.floor(json.length / 2));
    }
  }
  return applied;
}

/** What an applier may read besides the response: the request's grant, the issuer's keys and token map. */
interface ApplyEnv {
  host: ScenarioHost;
  route: string;
  grant: string;
}

/** Serves one target's faults on the response it concerns; true when the answer now differs from the issuer's. */
interface Applier {
  applies(koa: KoaContextWithOIDC, route: string): boolean;
  apply(koa: KoaContextWithOIDC, run: ScenarioRun, env: ApplyEnv): boolean | Promise<boolean>;
}

const onToken = (koa: KoaContextWithOIDC, route: string) => route === 'token' && koa.status === 200;
const onUserinfo = (koa: KoaContextWithOIDC, route: string) =>
  route === 'userinfo' &&
  koa.status === 200 &&
  ((Boolean(koa.body) && typeof koa.body === 'object') || typeof koa.body === 'string');

/**
 * Fault target -> applier, in the order they apply to one response. JWKS faults
 * are not here: no client is known on a JWKS request, so they are the issuer's (see below).
 */
const APPLIERS: readonly (readonly [Exclude<Fault['target'], 'jwks'>, Applier])[] = [
  // A drifting clock is served in every token it issued.
  ['clock', { applies: onToken, apply: (_koa, run) => run.faults('clock').length > 0 }],
  [
    'id_token',
    {
      applies: onToken,
      async apply(koa, run, { host, grant }) {
        const body = koa.body as Record<string, unknown>;
        let faulted = false;
        for (const listed of run.faults('id_token')) {
          if (typeof body.id_token !== 'string' || (listed.grant && listed.grant !== grant)) continue;
          const fault = withReplayedClaims(listed, body.id_token, (current) => run.otherLoginNonce(current));
          if (!fault) continue;
          body.id_token = await applyIdTokenFault(body.id_token, fault, {
            issuer: host.issuer,
            keys: host.keys(),
            rotatedKey: run.rotatedKey,
            clientId: koa.oidc.client?.clientId,
            clientSecret: koa.oidc.client?.clientSecret,
          });
          faulted = true;
        }
        return faulted;
      },
    },
  ],
  [
    'token_response',
    {
      applies: onToken,
      apply: (koa, run, { host, grant }) =>
        applyTokenResponseFaults(koa, run.faults('token_response'), grant, host.tokens),
    },
  ],
  [
    'authorization_response',
    {
      applies: (_koa, route) => route === 'authorization' || route === 'resume',
      apply: (koa, run) => applyAuthorizationResponseFaults(koa, run, run.faults('authorization_response')),
    },
  ],
  [
    'post_logout_redirect',
    {
      // The confirmation ends the session and sends the browser back. (Auth0's /v2/logout, a quirk's route outside
      // oidc-provider's, takes no state to fault.)
      applies: (_koa, route) => route === 'end_session_confirm',
      apply: (koa, run) => applyPostLogoutRedirectFaults(koa, run.faults('post_logout_redirect')),
    },
  ],
  [
    'userinfo',
    {
      applies: onUserinfo,
      apply(koa, run) {
        if (typeof koa.body !== 'string')
          return applyUserinfoFaults(koa.body as Record<string, unknown>, run.faults('userinfo'));
        // A signed answer (the client registered userinfo_signed_response_alg).
        const corrupt = run.faults('userinfo').some((f) => f.corruptSignature);
        if (corrupt) koa.body = flipSignatureByte(koa.body);
        return corrupt;
      },
    },
  ],
  [
    'discovery',
    {
      applies: (koa, route) =>
        route === 'discovery' && koa.status === 200 && Boolean(koa.body) && typeof koa.body === 'object',
      apply: (koa, run) => applyDiscoveryFaults(koa.body as Record<string, unknown>, run.faults('discovery')),
    },
  ],
  ['transport', { applies: () => true, apply: (koa, run, { route }) => applyTransportFaults(koa, run, route) }],
];

/**
 * Applies the faults of the scenario run bound to the request's client (or to
 * the whole scenario issuer), after the issuer and its profile's quirks
 * produced a correct response. It is the outermost layer, so what the client
 * receives is the correct answer with exactly the scenario's defects.
 */
export function scenarioMiddleware(host: ScenarioHost): Middleware {
  // With nothing armed on the issuer there is nothing to apply, and a request costs no promise here.
  return (koa, next) => (host.anyArmed() ? applyScenario(koa, next) : next());

  async function applyScenario(koa: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
    const early = host.runFor(clientIdOf(koa) ?? basicClientId(koa.get('authorization')));
    for (const fault of early?.faults('clock') ?? []) setRequestClockOffset(koa, fault.offsetSeconds);
    // A client that names itself only in the body (public, client_secret_post) is known after parsing.
    if (!early)
      setRequestClockResolver(koa, () => host.runFor(clientIdOf(koa))?.faults('clock').at(-1)?.offsetSeconds ?? 0);
    await next();
    const route = koa.oidc?.route;
    if (!route) return;
    const record = recordOf(koa.req);
    const served = (target: string, applied: boolean) => {
      if (!applied || !record || record.faults?.includes(target)) return;
      record.faults = [...(record.faults ?? []), target];
      record.served = [...(record.served ?? []), servedFault(target, koa)];
    };
    if (route === 'jwks' && koa.status === 200) {
      const fixed = host.runFor(undefined);
      served('jwks', applyJwksFaults(koa, fixed?.faults('jwks') ?? [], host.rotatedKeys()));
    }
    const run = host.runFor(clientIdOf(koa));
    if (!run) return;
    if (record) record.notes = [...(record.notes ?? []), `scenario: ${run.scenario.name}`];
    const grant = String(koa.oidc.params?.grant_type ?? '');
    // A run counts logins and token exchanges (key rotation steps) before its faults apply.
    const signingAlg = String(host.keys()[0]?.alg ?? 'RS256');
    if (route === 'discovery') run.observe('discovery', signingAlg);
    if (route === 'authorization') {
      run.observe('authorization', signingAlg);
      run.noteLoginNonce(koa.oidc.params?.nonce);
    }
    if (onToken(koa, route) && grant === 'authorization_code') run.observe('token', signingAlg);
    for (const [target, applier] of APPLIERS) {
      if (applier.applies(koa, route)) served(target, await applier.apply(koa, run, { host, route, grant }));
    }
  }
}
