import type { KoaContextWithOIDC } from 'oidc-provider';
import { recordOf } from '../../kernel/evidence.js';
import type { Quirk, QuirkContext } from '../../kernel/plugin-types.js';
import { maskSecret } from '../../log/mask.js';
import { resourceApi } from '../../quirks/resource-api.js';
import type { User } from '../../users/user-store.js';

export const API_PREFIX = '/2.3/';
/** Credentials the API took in the query string until June 2026. */
const QUERY_CREDENTIALS = ['key', 'access_token'] as const;
const QUOTA = { quota_max: 10000, quota_remaining: 9999 };

/** API errors: always HTTP 400, the real status in error_id (api.stackexchange.com/docs/error-handling). */
function apiError(koa: KoaContextWithOIDC, id: number, name: string, message: string): void {
  koa.status = 400;
  koa.body = { error_id: id, error_message: message, error_name: name };
  const record = recordOf(koa.req);
  if (record) record.error = name;
}

function wrapper(items: unknown[]) {
  return { items, has_more: false, ...QUOTA };
}

function siteDomain(site: string): string {
  if (site.includes('.')) return site;
  const own: Record<string, string> = {
    stackoverflow: 'stackoverflow.com',
    serverfault: 'serverfault.com',
    superuser: 'superuser.com',
    askubuntu: 'askubuntu.com',
    stackapps: 'stackapps.com',
    mathoverflow: 'mathoverflow.net',
  };
  return own[site] ?? `${site}.stackexchange.com`;
}

const USER_FIELDS = [
  'badge_counts',
  'is_employee',
  'last_modified_date',
  'last_access_date',
  'reputation_change_year',
  'reputation_change_quarter',
  'reputation_change_month',
  'reputation_change_week',
  'reputation_change_day',
  'reputation',
  'creation_date',
  'user_type',
  'accept_rate',
  'location',
  'website_url',
  'profile_image',
  'display_name',
];

/** A `user` as /2.3/me returns it with the default filter; the fixture's claims fill the fields. */
function seUser(user: User, site: string) {
  const c = user.claims;
  const accountId = /^\d+$/.test(user.sub) ? Number(user.sub) : user.sub;
  const userId = typeof c.user_id === 'number' ? c.user_id : accountId;
  const displayName = typeof c.display_name === 'string' ? c.display_name : (user.username ?? user.sub);
  const slug = displayName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  const given = Object.fromEntries(USER_FIELDS.filter((f) => c[f] !== undefined).map((f) => [f, c[f]]));
  return {
    badge_counts: { bronze: 0, silver: 0, gold: 0 },
    account_id: accountId,
    is_employee: false,
    reputation: 1,
    user_type: 'registered',
    display_name: displayName,
    profile_image: `https://www.gravatar.com/avatar/${user.sub}?s=256&d=identicon&r=PG`,
    ...given,
    user_id: userId,
    link: `https://${siteDomain(site)}/users/${userId}/${slug}`,
  };
}

/** The access_token object of /2.3/access-tokens. */
async function describeToken(ctx: QuirkContext, presented: string, options: StackexchangeApiOptions) {
  const stored = await ctx
    .provider()
    .AccessToken.find(ctx.tokens.resolve(presented))
    .catch(() => undefined);
  if (!stored || stored.isExpired) return undefined;
  const scopes = (stored.scope ?? '').split(' ').filter((s) => s && !options.hiddenScopes?.includes(s));
  const accountId = stored.accountId && /^\d+$/.test(stored.accountId) ? Number(stored.accountId) : stored.accountId;
  return {
    stored,
    item: {
      access_token: presented,
      ...(scopes.includes(options.noExpiryScope) ? {} : { expires_on_date: stored.exp }),
      account_id: accountId,
      ...(scopes.length ? { scope: scopes } : {}),
    },
  };
}

/**
 * The Stack Exchange API methods an OAuth client calls: /2.3/me (needs `site`
 * and an access token) and /2.3/access-tokens/{tokens}[/invalidate]. Since June
 * 2026 the one credential (API key or access token) travels only as
 * `Authorization: Bearer {KEY OR ACCESS TOKEN}`, and a key is no longer needed
 * beside a token; `key=` and `access_token=` in the query are rejected
 * (meta.stackexchange.com/questions/417382). A lenient issuer still takes the
 * query forms, checking a `key` that comes with a token. Always listed after
 * always-gzip, which compresses what these answer.
 */
export interface StackexchangeApiOptions {
  noExpiryScope: string;
  /** Internal scopes never shown in /2.3/access-tokens (see scopeOptional). */
  hiddenScopes?: readonly string[];
}

export function stackexchangeApi(options: StackexchangeApiOptions): Quirk {
  const me = resourceApi({
    name: 'stackexchange_me',
    description: 'GET /2.3/me',
    path: `${API_PREFIX}me`,
    queryParams: ['access_token'],
    unauthenticated(problem, koa) {
      if (problem === 'missing')
        apiError(koa, 401, 'access_token_required', '`access_token` is required for this method');
      else apiError(koa, 402, 'invalid_access_token', '`access_token` is invalid, expired or revoked');
    },
    async handle(koa, token, ctx) {
      const client = await ctx.provider().Client.find(token.clientId);
      const appKey = client?.metadata().key;
      // Only a lenient issuer gets here with a query key: the pre-2026 API checked it named the token's app.
      if (typeof appKey === 'string' && typeof koa.query.key === 'string' && koa.query.key !== appKey) {
        apiError(koa, 402, 'invalid_access_token', '`key` is not valid for passed `access_token`, token not found.');
        return;
      }
      const user = token.accountId ? ctx.users.get(token.accountId) : undefined;
      koa.status = 200;
      koa.body = wrapper(user ? [seUser(user, String(koa.query.site))] : []);
    },
  });

  return {
    name: 'stackexchange-api',
    description: 'API 2.3: /me and /access-tokens, errors as 400 with error_id',
    middleware: (ctx) => {
      const meHandler = me.middleware(ctx);
      return async (koa, next) => {
        if (!koa.path.startsWith(API_PREFIX)) return next();
        const method = koa.path.slice(API_PREFIX.length);
        if (koa.method !== 'GET')
          return apiError(koa, 404, 'no_method', `${koa.method} is not a method of the API; use GET`);
        /** Answers a query-string credential with the 2026 error; true when it did. */
        const queryCredentials = (): boolean => {
          const inQuery = QUERY_CREDENTIALS.filter((name) => koa.query[name] !== undefined);
          if (!inQuery.length || ctx.lenient) return false;
          // The real error body is unpublished: this wrapper and bad_parameter are the mock's assumption.
          apiError(
            koa,
            400,
            'bad_parameter',
            `${inQuery.map((n) => `\`${n}\``).join(' and ')} may no longer be passed in the query string: ` +
              'send the API key or the access token as Authorization: Bearer {KEY OR ACCESS TOKEN}',
          );
          return true;
        };

        if (method === 'me') {
          if (queryCredentials()) return;
          if (typeof koa.query.site !== 'string' || !koa.query.site)
            return apiError(koa, 400, 'bad_parameter', 'site is required');
          return meHandler(koa, next);
        }

        const tokens = /^access-tokens\/([^/]+)(\/invalidate)?$/.exec(method);
        if (tokens) {
          const record = recordOf(koa.req);
          const presented = tokens[1]!
            .split(';')
            .map((t) => {
              try {
                return decodeURIComponent(t);
              } catch {
                return t;
              }
            })
            .filter(Boolean);
          if (record) {
            record.route = tokens[2] ? 'stackexchange_invalidate_tokens' : 'stackexchange_access_tokens';
            // Keeps the mount path in front: the record and the log line show where the request went.
            record.path = record.path.replace(
              /access-tokens\/[^/]+/,
              `access-tokens/${presented.map(maskSecret).join(';')}`,
            );
          }
          if (queryCredentials()) return;
          if (presented.length > 20)
            return apiError(koa, 400, 'bad_parameter', 'accessTokens: at most 20 tokens may be passed');
          const items = [];
          for (const token of presented) {
            const found = await describeToken(ctx, token, options);
            if (!found) continue;
            if (tokens[2]) await found.stored.destroy();
            items.push(found.item);
          }
          koa.status = 200;
          koa.body = wrapper(items);
          return;
        }

        return apiError(koa, 404, 'no_method', `no method found with this name: /${method}`);
      };
    },
  };
}
