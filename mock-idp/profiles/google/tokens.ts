import { createHash } from 'node:crypto';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { peekFormBody } from '../../kernel/form-body.js';
import type { Quirk, QuirkContext } from '../../kernel/plugin-types.js';
import { errorShape } from '../../quirks/error-shape.js';
import { editIdToken } from '../../quirks/id-token.js';
import { reshapeResponse } from '../../quirks/reshape-response.js';

/**
 * The claims of a Google ID token, in the order Google writes them
 * (developers.google.com/identity/openid-connect/openid-connect "An ID token's payload").
 * No sid, auth_time, acr or amr: Google emits none of them.
 */
const ID_TOKEN_CLAIMS = [
  'iss',
  'azp',
  'aud',
  'sub',
  'hd',
  'email',
  'email_verified',
  'at_hash',
  'nonce',
  'name',
  'picture',
  'given_name',
  'family_name',
  'iat',
  'exp',
] as const;

/**
 * Google's ID token: its claims and no others, azp always (the client the token was issued
 * to, even with one audience), hd only for Workspace users (their fixture carries it; a
 * gmail.com user has none), email_verified a boolean.
 */
export function googleIdToken(): Quirk {
  return editIdToken({
    name: 'google-id-token',
    description: 'ID token carries azp always, hd for Workspace users only, and none of sid/auth_time/acr/amr',
    edit(token, koa) {
      const source = token.payload as Record<string, unknown>;
      const client = koa.oidc.client?.clientId;
      const next: Record<string, unknown> = {};
      for (const name of ID_TOKEN_CLAIMS) {
        // at_hash is always there: resignIdToken fills any placeholder in from the access token returned.
        const value =
          name === 'azp' ? (source.azp ?? client) : name === 'at_hash' ? (source.at_hash ?? 'at_hash') : source[name];
        if (value !== undefined && value !== null && value !== '') next[name] = value;
      }
      token.payload = next;
      token.typ = 'JWT';
    },
  });
}

/** The scope names Google's token response reports for the short ones a client asks for. */
const GRANTED_SCOPE_NAMES: Readonly<Record<string, string>> = {
  email: 'https://www.googleapis.com/auth/userinfo.email',
  profile: 'https://www.googleapis.com/auth/userinfo.profile',
};

/**
 * The token response reports granted scopes by their full names
 * ("openid https://www.googleapis.com/auth/userinfo.email ..."), as Google does:
 * a client comparing them to the short names it asked for is surprised.
 */
export function googleTokenResponse(): Quirk {
  return reshapeResponse({
    name: 'google-token-response',
    description: 'scope in the token response names userinfo.email/userinfo.profile in full',
    routes: ['token'],
    when: 'success',
    reshape(body) {
      if (typeof body.scope === 'string')
        body.scope = body.scope
          .split(' ')
          .map((s) => GRANTED_SCOPE_NAMES[s] ?? s)
          .join(' ');
    },
  });
}

interface AuthorizationFacts {
  offline: boolean;
  consent: boolean;
}

/** What the authorization request that made a code asked for, read from the callback's Location. */
function codeOf(location: string): string | undefined {
  try {
    const url = new URL(location);
    return url.searchParams.get('code') ?? new URLSearchParams(url.hash.slice(1)).get('code') ?? undefined;
  } catch {
    return undefined;
  }
}

function factsOf(koa: KoaContextWithOIDC): AuthorizationFacts {
  const params = (koa.oidc?.params ?? {}) as Record<string, unknown>;
  const prompt = typeof params.prompt === 'string' ? params.prompt.split(' ') : [];
  return {
    offline: params.access_type === 'offline',
    consent: prompt.includes('consent') || params.approval_prompt === 'force',
  };
}

/**
 * A refresh token only when the authorization request said access_type=offline, and then
 * only the first time this user grants this client offline access, unless the request
 * re-prompted with prompt=consent (or the legacy approval_prompt=force). oidc-provider
 * issues one to every client allowed the refresh_token grant; the ones Google would not
 * hand out are dropped from the answer and destroyed. Strict: lenient issuers hand out
 * a refresh token every time.
 */
export function googleOfflineAccess(): Quirk {
  return {
    name: 'google-offline-access',
    description: 'refresh token only with access_type=offline, and only at first consent unless prompt=consent',
    strict: true,
    middleware: (ctx) => {
      const codes = ctx.tokens.memo('google-code-access', 10_000, 600);
      const granted = ctx.tokens.memo('google-offline-granted', 10_000, 180 * 24 * 3600);
      // tokeninfo reports an access token's access_type.
      const accessTypes = ctx.tokens.memo('google-access-type', 10_000, 24 * 3600);
      const authorization = ctx.routes.authorization;
      return async (koa, next) => {
        if (koa.path === authorization || koa.path.startsWith(`${authorization}/`)) {
          await next();
          const location = koa.response.get('location');
          const code = location ? codeOf(location) : undefined;
          if (code) codes.set(code, JSON.stringify(factsOf(koa)));
          return;
        }
        if (koa.path !== ctx.routes.token || koa.method !== 'POST') return next();
        const form = await peekFormBody(koa);
        await next();
        const body = koa.body as Record<string, unknown> | undefined;
        if (koa.status !== 200 || form.get('grant_type') !== 'authorization_code' || !body) return;
        const code = form.get('code');
        const stored = code ? codes.get(code) : undefined;
        const facts: AuthorizationFacts = stored ? JSON.parse(stored) : { offline: false, consent: false };
        if (typeof body.access_token === 'string')
          accessTypes.set(body.access_token, facts.offline ? 'offline' : 'online');
        if (typeof body.refresh_token !== 'string') return;
        const entity = koa.oidc.entities.AuthorizationCode;
        const key = `${entity?.clientId}\n${entity?.accountId}`;
        const first = granted.get(key) === undefined;
        if (facts.offline) granted.set(key, '1');
        if (facts.offline && (first || facts.consent)) return;
        const refresh = await ctx.provider().RefreshToken.find(body.refresh_token);
        await refresh?.destroy();
        delete body.refresh_token;
      };
    },
  };
}

/** Why an authorization code was refused, in Google's words (observed answers, see docs/providers/google.md). */
async function codeRefusal(koa: KoaContextWithOIDC, ctx: QuirkContext): Promise<string> {
  const params = (koa.oidc?.params ?? {}) as Record<string, unknown>;
  if (typeof params.code !== 'string') return 'Bad Request';
  const code = await ctx
    .provider()
    .AuthorizationCode.find(params.code)
    .catch(() => undefined);
  if (!code || (code as { consumed?: unknown }).consumed || code.isExpired || !code.codeChallenge) return 'Bad Request';
  const verifier = params.code_verifier;
  if (typeof verifier !== 'string' || verifier === '') return 'Missing code verifier.';
  const hashed = createHash('sha256').update(verifier).digest('base64url');
  return hashed === code.codeChallenge ? 'Bad Request' : 'Invalid code verifier.';
}

/**
 * Google's token endpoint errors: HTTP 400 with Google's short descriptions for dead
 * grants, 401 invalid_client. oidc-provider's own descriptions are replaced.
 */
export function googleTokenErrors(): Quirk {
  const shape = errorShape({
    description: "token errors in Google's words",
    routes: ['token', 'device_authorization'],
    map(error, status, koa) {
      if (error.error === 'invalid_client') {
        const description = koa.oidc?.client ? 'Unauthorized' : 'The OAuth client was not found.';
        return { status: 401, body: { error: 'invalid_client', error_description: description } };
      }
      if (error.error === 'unsupported_grant_type') {
        const grant = (koa.oidc?.params as Record<string, unknown> | undefined)?.grant_type;
        return {
          status: 400,
          body: { error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${grant ?? ''}` },
        };
      }
      if (error.error === 'invalid_grant') return { status: 400, body: { error: 'invalid_grant' } };
      return { status: status >= 500 ? status : 400, body: error };
    },
  });
  return {
    name: 'google-token-errors',
    description: shape.description,
    middleware: (ctx) => {
      const inner = shape.middleware(ctx);
      return async (koa, next) => {
        await inner(koa, next);
        const body = koa.body as Record<string, unknown> | undefined;
        if (koa.path !== ctx.routes.token || koa.status !== 400 || body?.error !== 'invalid_grant') return;
        if (body.error_description !== undefined) return;
        const grant = (koa.oidc?.params as Record<string, unknown> | undefined)?.grant_type;
        body.error_description =
          grant === 'refresh_token' ? 'Token has been expired or revoked.' : await codeRefusal(koa, ctx);
      };
    },
  };
}

/** openidconnect.googleapis.com/v1/userinfo refuses a missing or dead token with 401 "Invalid Credentials". */
export function googleUserinfoErrors(): Quirk {
  return errorShape({
    description: 'userinfo errors are 401 invalid_request "Invalid Credentials"',
    routes: ['userinfo'],
    map(error, status) {
      if (status !== 401 && error.error !== 'invalid_token') return undefined;
      return { status: 401, body: { error: 'invalid_request', error_description: 'Invalid Credentials' } };
    },
  });
}
