import type { KoaContextWithOIDC } from 'oidc-provider';
import { recordOf } from '../../kernel/evidence.js';
import type { Quirk, QuirkContext } from '../../kernel/plugin-types.js';
import { type ResourceToken, resourceApi } from '../../quirks/resource-api.js';
import type { User } from '../../users/user-store.js';
import { isGithubApp } from './oauth.js';

const DOCS = 'https://docs.github.com/rest';
export const USER_PATH = '/user';
export const EMAILS_PATH = '/user/emails';
/** The scopes that unlock /user/emails, as X-Accepted-OAuth-Scopes lists them. */
const EMAIL_SCOPES = ['user', 'user:email'];
/** The scopes that add /user's private fields. */
const PRIVATE_PROFILE_SCOPES = ['user', 'read:user'];

export interface GithubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
  visibility: 'public' | 'private' | null;
}

function apiError(koa: KoaContextWithOIDC, status: number, message: string, documentation = DOCS): void {
  koa.status = status;
  koa.body = { message, documentation_url: documentation, status: String(status) };
  const record = recordOf(koa.req);
  if (record) record.error = message;
}

/** The token's scopes as GitHub lists them in X-OAuth-Scopes: comma and space. */
function scopeHeader(token: ResourceToken, hidden: readonly string[]): string {
  return [...token.scopes].filter((s) => !hidden.includes(s)).join(', ');
}

function emailsOf(user: User): GithubEmail[] {
  const listed = user.claims.emails;
  if (Array.isArray(listed)) return listed as GithubEmail[];
  const email = typeof user.claims.email === 'string' ? user.claims.email : undefined;
  return email ? [{ email, primary: true, verified: true, visibility: 'public' }] : [];
}

/** GET /user as GitHub's REST API answers it; private fields only with user or read:user (or for a GitHub App). */
function githubUser(user: User, withPrivate: boolean) {
  const c = user.claims;
  const login = user.username ?? user.sub;
  const id = /^\d+$/.test(user.sub) ? Number(user.sub) : user.sub;
  const api = `https://api.github.com/users/${login}`;
  const pick = (name: string, fallback: unknown = null) => (c[name] === undefined ? fallback : c[name]);
  const publicPart = {
    login,
    id,
    node_id: pick('node_id', ''),
    avatar_url: pick('avatar_url', `https://avatars.githubusercontent.com/u/${user.sub}?v=4`),
    gravatar_id: '',
    url: api,
    html_url: `https://github.com/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: 'User',
    user_view_type: withPrivate ? 'private' : 'public',
    site_admin: false,
    name: pick('name'),
    company: pick('company'),
    blog: pick('blog', ''),
    location: pick('location'),
    // Only the public email: a private one is never shown here, whatever the scopes.
    email: pick('email'),
    hireable: pick('hireable'),
    bio: pick('bio'),
    twitter_username: pick('twitter_username'),
    public_repos: pick('public_repos', 0),
    public_gists: pick('public_gists', 0),
    followers: pick('followers', 0),
    following: pick('following', 0),
    created_at: pick('created_at'),
    updated_at: pick('updated_at'),
  };
  if (!withPrivate) return publicPart;
  return {
    ...publicPart,
    notification_email: pick('notification_email', pick('email')),
    private_gists: pick('private_gists', 0),
    total_private_repos: pick('total_private_repos', 0),
    owned_private_repos: pick('owned_private_repos', 0),
    disk_usage: pick('disk_usage', 0),
    collaborators: pick('collaborators', 0),
    two_factor_authentication: pick('two_factor_authentication', true),
    plan: pick('plan', { name: 'free', space: 976562499, collaborators: 0, private_repos: 10000 }),
  };
}

async function appToken(ctx: QuirkContext, token: ResourceToken): Promise<boolean> {
  const client = await ctx
    .provider()
    .Client.find(token.clientId)
    .catch(() => undefined);
  return isGithubApp(client?.metadata());
}

/**
 * api.github.com's /user and /user/emails. The token comes as `Authorization:
 * Bearer` or the older `token` scheme. Every answer names the token's scopes in
 * X-OAuth-Scopes; /user/emails without user or user:email is a 404 that says
 * which scopes it accepts. GitHub App user tokens carry no scopes: the app's
 * permissions decide, and the fixture apps have the email permission.
 */
export function githubApi(options: { hiddenScopes: readonly string[] }): Quirk {
  const unauthenticated = (problem: 'missing' | 'invalid', koa: KoaContextWithOIDC) =>
    problem === 'missing'
      ? apiError(koa, 401, 'Requires authentication', `${DOCS}/users/users#get-the-authenticated-user`)
      : apiError(koa, 401, 'Bad credentials');
  const user = resourceApi({
    name: 'github_user',
    description: 'GET /user',
    path: USER_PATH,
    unauthenticated,
    async handle(koa, token, ctx) {
      koa.set('x-oauth-scopes', scopeHeader(token, options.hiddenScopes));
      koa.set('x-accepted-oauth-scopes', '');
      const found = token.accountId ? ctx.users.get(token.accountId) : undefined;
      if (!found) return apiError(koa, 404, 'Not Found');
      const app = await appToken(ctx, token);
      koa.status = 200;
      koa.body = githubUser(found, app || PRIVATE_PROFILE_SCOPES.some((s) => token.scopes.has(s)));
    },
  });
  const emails = resourceApi({
    name: 'github_user_emails',
    description: 'GET /user/emails',
    path: EMAILS_PATH,
    unauthenticated,
    async handle(koa, token, ctx) {
      koa.set('x-oauth-scopes', scopeHeader(token, options.hiddenScopes));
      koa.set('x-accepted-oauth-scopes', EMAIL_SCOPES.join(', '));
      const allowed = EMAIL_SCOPES.some((s) => token.scopes.has(s)) || (await appToken(ctx, token));
      const found = token.accountId ? ctx.users.get(token.accountId) : undefined;
      // GitHub hides what a token may not see behind a 404, not a 403.
      if (!allowed || !found)
        return apiError(koa, 404, 'Not Found', `${DOCS}/users/emails#list-email-addresses-for-the-authenticated-user`);
      koa.status = 200;
      koa.body = emailsOf(found);
    },
  });

  return {
    name: 'github-api',
    description: 'REST API /user and /user/emails behind scopes; the token as Bearer or `token`',
    middleware: (ctx) => {
      const userHandler = user.middleware(ctx);
      const emailsHandler = emails.middleware(ctx);
      return async (koa, next) => {
        if (koa.path !== USER_PATH && koa.path !== EMAILS_PATH) return next();
        const legacy = /^token\s+(\S+)$/i.exec(koa.get('authorization'))?.[1];
        if (legacy) koa.req.headers.authorization = `Bearer ${legacy}`;
        koa.set('x-github-media-type', 'github.v3; format=json');
        return koa.path === USER_PATH ? userHandler(koa, next) : emailsHandler(koa, next);
      };
    },
  };
}
