import type { Quirk } from '../../kernel/plugin-types.js';
import { resourceApi } from '../../quirks/resource-api.js';
import type { User } from '../../users/user-store.js';

/** GitLab's API scopes that may read the current user (lib/api/users.rb: read_user for GET, api, read_api). */
const USER_READ_SCOPES = ['api', 'read_api', 'read_user'];

const numericId = (sub: string): number | string => (/^\d+$/.test(sub) ? Number(sub) : sub);
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The GET /api/v4/user entity (users API, "for the current user"), built from the fixture's claims. */
function gitlabUser(user: User, issuer: string) {
  const c = user.claims;
  const username = user.username ?? str(c.preferred_username) ?? str(c.nickname) ?? `user${user.sub}`;
  const createdAt = str(c.created_at);
  return {
    id: numericId(user.sub),
    username,
    public_email: str(c.email) ?? '',
    name: str(c.name) ?? username,
    state: 'active',
    locked: false,
    avatar_url: str(c.picture) ?? `https://secure.gravatar.com/avatar/${user.sub}?s=80&d=identicon`,
    web_url: str(c.profile) ?? `${issuer}/${username}`,
    created_at: createdAt,
    bio: str(c.bio) ?? '',
    location: str(c.location) ?? '',
    linkedin: '',
    twitter: '',
    discord: '',
    website_url: str(c.website) ?? '',
    organization: str(c.organization) ?? '',
    job_title: str(c.job_title) ?? '',
    pronouns: null,
    bot: false,
    work_information: null,
    local_time: null,
    last_sign_in_at: createdAt,
    confirmed_at: c.email_verified === false ? null : createdAt,
    last_activity_on: new Date().toISOString().slice(0, 10),
    email: str(c.email) ?? '',
    theme_id: 3,
    color_scheme_id: 1,
    projects_limit: 100000,
    current_sign_in_at: createdAt,
    identities: [],
    can_create_group: true,
    can_create_project: true,
    two_factor_enabled: false,
    external: false,
    private_profile: false,
    commit_email: str(c.email) ?? '',
  };
}

/**
 * GET /api/v4/user with the token as a bearer header or `?access_token=`
 * (Doorkeeper's access_token_methods). Without a token, or with a bad one,
 * GitLab's API answers 401 {"message":"401 Unauthorized"}; a token without a
 * user-reading scope gets 403 insufficient_scope (relaxed when lenient).
 */
export function gitlabUserApi(): Quirk {
  return resourceApi({
    name: 'gitlab_api_user',
    description: 'GET /api/v4/user (bearer or ?access_token=)',
    path: '/api/v4/user',
    methods: ['GET', 'HEAD'],
    queryParams: ['access_token'],
    unauthenticated(_problem, koa) {
      koa.status = 401;
      koa.body = { message: '401 Unauthorized' };
    },
    handle(koa, token, ctx) {
      const user = token.accountId ? ctx.users.get(token.accountId) : undefined;
      if (!user) {
        koa.status = 401;
        koa.body = { message: '401 Unauthorized' };
        return;
      }
      if (!ctx.lenient && !USER_READ_SCOPES.some((s) => token.scopes.has(s))) {
        koa.status = 403;
        koa.set(
          'www-authenticate',
          `Bearer realm="Protected by OAuth 2.0", error="insufficient_scope", error_description="The ` +
            `request requires higher privileges than provided by the access token.", ` +
            `scope="${USER_READ_SCOPES.join(' ')}"`,
        );
        koa.body = {
          error: 'insufficient_scope',
          error_description: 'The request requires higher privileges than provided by the access token.',
          scope: USER_READ_SCOPES.join(' '),
        };
        return;
      }
      koa.status = 200;
      koa.body = gitlabUser(user, new URL(ctx.issuer).origin);
    },
  });
}

/**
 * GET /oauth/token/info: Doorkeeper's token introspection for the token's own
 * holder, with GitLab's `scopes` and `expires_in_seconds` aliases.
 */
export function gitlabTokenInfo(): Quirk {
  return resourceApi({
    name: 'token_info',
    description: 'GET /oauth/token/info (bearer or ?access_token=)',
    path: '/oauth/token/info',
    queryParams: ['access_token'],
    unauthenticated(_problem, koa) {
      koa.status = 401;
      koa.set(
        'www-authenticate',
        'Bearer realm="Doorkeeper", error="invalid_token", error_description="The access token is invalid"',
      );
      koa.body = { error: 'invalid_token', error_description: 'The access token is invalid' };
    },
    async handle(koa, token, ctx) {
      const stored = await ctx.provider().AccessToken.find(token.token);
      const scopes = [...token.scopes];
      const expiresIn = Math.max(0, token.exp - Math.floor(Date.now() / 1000));
      koa.status = 200;
      koa.body = {
        resource_owner_id: token.accountId ? numericId(token.accountId) : null,
        scope: scopes,
        expires_in: expiresIn,
        application: { uid: token.clientId },
        created_at: stored?.iat ?? null,
        scopes,
        expires_in_seconds: expiresIn,
      };
    },
  });
}
