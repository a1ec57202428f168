import { randomBytes, randomInt } from 'node:crypto';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { recordOf } from '../../kernel/evidence.js';
import { BodyTooLarge, peekFormBody, readLimited, rewriteFormBody } from '../../kernel/form-body.js';
import type { Quirk, QuirkContext } from '../../kernel/plugin-types.js';
import { plainOAuthAuthorize } from '../../quirks/plain-oauth-authorize.js';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const DOCS = 'https://docs.github.com';
const TROUBLESHOOTING = `${DOCS}/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors`;
const DEVICE_ERRORS = `${DOCS}/developers/apps/authorizing-oauth-apps#error-codes-for-the-device-flow`;
const GRANT = Symbol('github-grant');

/** GitHub's polling interval for the device flow, and what each slow_down adds to it. */
export const DEVICE_INTERVAL = 5;
export const SLOW_DOWN_STEP = 5;

/** A GitHub token: its prefix and base62 characters, 40 in all for access tokens (ghp_/gho_/ghu_). */
export function githubToken(prefix: 'gho_' | 'ghu_' | 'ghr_', length = 36): string {
  let out = prefix;
  for (let i = 0; i < length; i += 1) out += BASE62[randomInt(BASE62.length)];
  return out;
}

/** GitHub Apps mark their clients with app_type: github_app; everything else is an OAuth app. */
export function isGithubApp(metadata: Record<string, unknown> | undefined): boolean {
  return metadata?.app_type === 'github_app';
}

/**
 * github.com serves no OpenID Connect: only /login/oauth/authorize (and the
 * login's resume path under it), /login/oauth/access_token, the device flow at
 * /login/device/code and /login/device, and the REST API paths. Anything else
 * is a 404 in the REST API's shape, so a client cannot lean on discovery,
 * JWKS or userinfo that the real server lacks.
 */
export function githubEndpoints(options: { apiPaths: readonly string[] }): Quirk {
  return {
    name: 'github-endpoints',
    description: 'no discovery, JWKS or userinfo: only /login/oauth/*, /login/device* and the REST API',
    middleware: (ctx) => async (koa, next) => {
      const { authorization, token, device_authorization: deviceCode, code_verification: device } = ctx.routes;
      const known =
        koa.path === authorization ||
        /^\/[A-Za-z0-9_-]+$/.test(
          koa.path.startsWith(`${authorization}/`) ? koa.path.slice(authorization.length) : '',
        ) ||
        koa.path === token ||
        koa.path === deviceCode ||
        koa.path === device ||
        koa.path.startsWith(`${device}/`) ||
        koa.path.startsWith('/interaction/') ||
        options.apiPaths.includes(koa.path);
      if (known) return next();
      koa.status = 404;
      koa.body = { message: 'Not Found', documentation_url: `${DOCS}/rest`, status: '404' };
    },
  };
}

/** The documented authorize request: code implied, no `iss` on the callback. */
export const githubAuthorize = (): Quirk => plainOAuthAuthorize('github-authorize');

/** What the client asked the answer to be: JSON, XML, or (by default) a form. */
function answerFormat(koa: KoaContextWithOIDC): 'json' | 'xml' | 'form' {
  const accept = koa.get('accept').toLowerCase();
  if (accept.includes('application/json')) return 'json';
  if (accept.includes('xml')) return 'xml';
  return 'form';
}

function xmlEscape(value: string): string {
  return value.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Writes an answer of /login/oauth/access_token or /login/device/code in the format the Accept header asks for. */
function answer(koa: KoaContextWithOIDC, values: Record<string, string | number>): void {
  const format = answerFormat(koa);
  koa.status = 200;
  koa.remove('www-authenticate');
  koa.remove('cache-control');
  koa.remove('pragma');
  // octokit computes a GitHub App token's expiry from this header (new Date(headers.date)).
  koa.set('date', new Date().toUTCString());
  if (format === 'json') {
    koa.body = values;
  } else if (format === 'xml') {
    koa.type = 'application/xml; charset=utf-8';
    const fields = Object.entries(values).map(([k, v]) => `<${k}>${xmlEscape(String(v))}</${k}>`);
    koa.body = `<OAuth>${fields.join('')}</OAuth>`;
  } else {
    koa.type = 'application/x-www-form-urlencoded; charset=utf-8';
    koa.body = new URLSearchParams(Object.entries(values).map(([k, v]) => [k, String(v)])).toString();
  }
}

function oauthError(koa: KoaContextWithOIDC, error: string, description: string, uri: string, extra = {}): void {
  answer(koa, { error, error_description: description, error_uri: uri, ...extra });
  const record = recordOf(koa.req);
  if (record) record.error = error;
}

/** Reads a JSON token or device-code request body into form parameters; undefined when it is not valid JSON. */
async function jsonParams(koa: KoaContextWithOIDC): Promise<Record<string, string> | undefined> {
  const raw = await readLimited(koa.req);
  let parsed: unknown;
  try {
    parsed = raw ? JSON.parse(raw) : {};
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  }
  return out;
}

/**
 * The device flow does not authenticate the client on github.com: client_id is
 * enough. oidc-provider authenticates every client at both endpoints, so the
 * registered secret is supplied here when the request carries none.
 */
async function deviceFlowSecret(ctx: QuirkContext, params: URLSearchParams, koa: KoaContextWithOIDC) {
  const clientId = params.get('client_id');
  if (!clientId || params.has('client_secret') || koa.get('authorization')) return undefined;
  const client = await ctx
    .provider()
    .Client.find(clientId)
    .catch(() => undefined);
  if (!client?.clientSecret) return undefined;
  if (client.clientAuthMethod === 'client_secret_basic') {
    const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(client.clientSecret)}`);
    koa.req.headers.authorization = `Basic ${basic.toString('base64')}`;
    return undefined;
  }
  return client.clientSecret;
}

/**
 * /login/oauth/access_token and /login/device/code as GitHub takes them: POST
 * only, a form OR a JSON body (octokit sends JSON), grant_type implied for a
 * code, redirect_uri optional (it defaults to the one the code was issued
 * for), and device codes and refresh tokens in GitHub's own format.
 */
export function githubTokenRequest(options: { noScope: string }): Quirk {
  return {
    name: 'github-token-request',
    description: 'form or JSON bodies; grant_type and redirect_uri implied; no client secret in the device flow',
    middleware: (ctx) => {
      return async (koa, next) => {
        const isToken = koa.path === ctx.routes.token;
        const isDeviceCode = koa.path === ctx.routes.device_authorization;
        if (!isToken && !isDeviceCode) return next();
        if (koa.method !== 'POST') {
          koa.status = 404;
          koa.body = { message: 'Not Found', documentation_url: `${DOCS}/rest`, status: '404' };
          return;
        }
        const contentType = (koa.req.headers['content-type'] ?? '').toLowerCase();
        let fromJson: Record<string, string> | undefined;
        if (contentType.includes('json')) {
          try {
            fromJson = await jsonParams(koa);
          } catch (error) {
            if (error instanceof BodyTooLarge) throw error;
            fromJson = undefined;
          }
          if (!fromJson) {
            koa.status = 400;
            koa.body = { message: 'Problems parsing JSON', documentation_url: `${DOCS}/rest`, status: '400' };
            return;
          }
        }
        const implied: string[] = [];
        let grant = '';
        const params = await rewriteFormBody(koa, (p) => {
          for (const [k, v] of Object.entries(fromJson ?? {})) p.set(k, v);
          if (isDeviceCode && !p.get('scope')) p.set('scope', options.noScope);
          if (isToken && !p.has('grant_type') && p.has('code')) {
            p.set('grant_type', 'authorization_code');
            implied.push('grant_type=authorization_code implied: GitHub needs none');
          }
          grant = p.get('grant_type') ?? '';
          for (const name of ['device_code', 'refresh_token']) {
            const value = p.get(name);
            if (value) p.set(name, ctx.tokens.resolve(value));
          }
        });
        (koa.state as Record<symbol, string>)[GRANT] = isDeviceCode ? 'device_authorization' : grant;
        const added: Record<string, string> = {};
        if (isDeviceCode || grant === DEVICE_GRANT) {
          const secret = await deviceFlowSecret(ctx, params, koa);
          if (secret) added.client_secret = secret;
        }
        if (grant === 'authorization_code' && !params.has('redirect_uri') && params.get('code')) {
          const code = await ctx
            .provider()
            .AuthorizationCode.find(params.get('code')!)
            .catch(() => undefined);
          if (code?.redirectUri) {
            added.redirect_uri = code.redirectUri;
            implied.push('redirect_uri implied: GitHub defaults it to the one the code was issued for');
          }
        }
        if (Object.keys(added).length)
          await rewriteFormBody(koa, (p) => {
            for (const [k, v] of Object.entries(added)) p.set(k, v);
          });
        await next();
        const record = recordOf(koa.req);
        if (record && implied.length) record.notes = [...(record.notes ?? []), ...implied];
        // The request log shows what the client sent, not what was implied (nor a secret it never sent).
        const parsed = koa.oidc?.body as Record<string, unknown> | undefined;
        if (parsed) for (const note of implied) delete parsed[note.slice(0, note.search(/[= ]/))];
        if (parsed && added.client_secret) delete parsed.client_secret;
      };
    },
  };
}

const SLOW_DOWN = Symbol('github-slow-down-interval');

/**
 * The device flow's slow_down: a poll sooner than the interval after the last
 * one is answered slow_down, and the interval grows by 5 seconds ("the error
 * response includes the new interval"), which the next poll must then wait.
 * Strict: a lenient issuer lets a client poll as fast as it likes.
 */
export function githubDeviceSlowDown(): Quirk {
  return {
    name: 'github-device-slow-down',
    description: 'polling again within the interval: slow_down, and the interval grows by 5 s',
    strict: true,
    middleware: (ctx) => {
      const polls = ctx.tokens.memo('github-device-polls', 10_000, 900);
      return async (koa, next) => {
        if (koa.path !== ctx.routes.token || koa.method !== 'POST') return next();
        if ((koa.state as Record<symbol, string | undefined>)[GRANT] !== DEVICE_GRANT) return next();
        const deviceCode = (await peekFormBody(koa)).get('device_code');
        if (!deviceCode) return next();
        const now = Date.now();
        const [last = 0, interval = DEVICE_INTERVAL] = (polls.get(deviceCode) ?? '').split(':').map(Number);
        if (last && now - last < interval * 1000) {
          const raised = interval + SLOW_DOWN_STEP;
          polls.set(deviceCode, `${now}:${raised}`);
          (koa.state as Record<symbol, number>)[SLOW_DOWN] = raised;
          koa.status = 400;
          koa.body = { error: 'slow_down' };
          return;
        }
        polls.set(deviceCode, `${now}:${interval}`);
        return next();
      };
    },
  };
}

/** oidc-provider's error, as GitHub names it for this grant. */
function githubError(grant: string, error: string, description: string): [string, string, string] {
  if (error === 'invalid_client')
    return [
      'incorrect_client_credentials',
      'The client_id and/or client_secret passed are incorrect.',
      `${TROUBLESHOOTING}/#incorrect-client-credentials`,
    ];
  if (grant === DEVICE_GRANT || grant === 'device_authorization') {
    const device: Record<string, string> = {
      authorization_pending: 'The authorization request is still pending.',
      expired_token: 'The device code has expired.',
      access_denied: 'The authorization request was denied.',
    };
    if (device[error]) return [error, device[error]!, DEVICE_ERRORS];
    if (error === 'slow_down')
      return ['slow_down', 'Too many requests have been made in the same timeframe.', DEVICE_ERRORS];
    if (error === 'unauthorized_client')
      return ['device_flow_disabled', 'Device Flow must be explicitly enabled for this App', DEVICE_ERRORS];
    if (error === 'invalid_grant')
      return ['incorrect_device_code', 'The device_code provided is not valid.', DEVICE_ERRORS];
  }
  if (grant === 'refresh_token' && error === 'invalid_grant')
    return [
      'bad_refresh_token',
      'The refresh token passed is incorrect or expired.',
      `${DOCS}/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens`,
    ];
  // An unknown code cannot imply its redirect_uri, so oidc-provider asks for one: the code is what is wrong.
  const unknownCode = error === 'invalid_request' && /redirect_uri/i.test(description);
  if (grant === 'authorization_code' && (error === 'invalid_grant' || unknownCode)) {
    if (!unknownCode && /redirect_uri/i.test(description))
      return [
        'redirect_uri_mismatch',
        'The redirect_uri MUST match the registered callback URL for this application.',
        `${TROUBLESHOOTING}/#redirect-uri-mismatch`,
      ];
    return [
      'bad_verification_code',
      'The code passed is incorrect or expired.',
      `${TROUBLESHOOTING}/#bad-verification-code`,
    ];
  }
  if (error === 'unsupported_grant_type')
    return ['unsupported_grant_type', 'The grant type is not supported.', `${TROUBLESHOOTING}`];
  return [error, description || error, TROUBLESHOOTING];
}

/**
 * What /login/oauth/access_token and /login/device/code answer: a form unless
 * Accept asks for JSON (or XML); tokens as gho_ (OAuth app) or ghu_ + ghr_
 * (GitHub App: 8-hour access token, 6-month refresh token, scope always
 * empty); granted scopes comma-separated; and every OAuth error with HTTP 200.
 */
export function githubTokenResponse(options: {
  noScope: string;
  appAccessTtl: number;
  appRefreshTtl: number;
  oauthAccessTtl: number;
}): Quirk {
  return {
    name: 'github-token-response',
    description: 'form-encoded unless Accept asks for JSON; gho_/ghu_/ghr_ tokens; comma scopes; errors with HTTP 200',
    middleware: (ctx) => async (koa, next) => {
      await next();
      const isToken = koa.path === ctx.routes.token;
      const isDeviceCode = koa.path === ctx.routes.device_authorization;
      if ((!isToken && !isDeviceCode) || koa.method !== 'POST') return;
      const grant = (koa.state as Record<symbol, string | undefined>)[GRANT] ?? '';
      const body = (koa.body && typeof koa.body === 'object' && !Buffer.isBuffer(koa.body) ? koa.body : {}) as Record<
        string,
        unknown
      >;
      // The REST API's own shape (a JSON body it could not parse) is already GitHub's.
      if (typeof body.message === 'string') return;
      if (koa.status >= 400 || typeof body.error === 'string') {
        const [error, description, uri] = githubError(
          grant,
          typeof body.error === 'string' ? body.error : 'invalid_request',
          typeof body.error_description === 'string' ? body.error_description : '',
        );
        const raised = (koa.state as Record<symbol, number | undefined>)[SLOW_DOWN];
        return oauthError(koa, error, description, uri, raised === undefined ? {} : { interval: raised });
      }
      if (isDeviceCode && typeof body.device_code === 'string') {
        const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 900;
        return answer(koa, {
          device_code: ctx.tokens.present(body.device_code, randomBytes(20).toString('hex'), expiresIn),
          user_code: String(body.user_code),
          verification_uri: String(body.verification_uri),
          expires_in: expiresIn,
          interval: DEVICE_INTERVAL,
        });
      }
      if (typeof body.access_token !== 'string') return;
      const app = isGithubApp(koa.oidc?.client?.metadata());
      const scope = String(body.scope ?? '')
        .split(' ')
        .filter((s) => s && s !== options.noScope)
        .join(',');
      if (!app) {
        return answer(koa, {
          access_token: ctx.tokens.present(body.access_token, githubToken('gho_'), options.oauthAccessTtl),
          token_type: 'bearer',
          scope,
        });
      }
      const values: Record<string, string | number> = {
        access_token: ctx.tokens.present(body.access_token, githubToken('ghu_'), options.appAccessTtl),
        expires_in: options.appAccessTtl,
      };
      if (typeof body.refresh_token === 'string') {
        values.refresh_token = ctx.tokens.present(body.refresh_token, githubToken('ghr_', 76), options.appRefreshTtl);
        values.refresh_token_expires_in = options.appRefreshTtl;
      }
      answer(koa, { ...values, token_type: 'bearer', scope: '' });
    },
  };
}
