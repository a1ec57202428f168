import { createHash, randomUUID } from 'node:crypto';
import type { JWTPayload } from 'jose';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { issuerNow } from '../../kernel/clock.js';
import { recordOf } from '../../kernel/evidence.js';
import type { Quirk, QuirkContext } from '../../kernel/plugin-types.js';
import type { User } from '../../users/user-store.js';

/** Where a job asks for its token: ACTIONS_ID_TOKEN_REQUEST_URL is <issuer>/idtoken/<job>?api-version=2.0. */
export const ID_TOKEN_PATH = '/idtoken/';
/** A token is valid for 5 minutes from iat, and from 10 minutes before it (nbf), as GitHub's example tokens show. */
export const LIFETIME = 300;
export const NOT_BEFORE_SKEW = 600;

function fail(koa: KoaContextWithOIDC, status: number, message: string): void {
  koa.status = status;
  koa.body = { message };
  const record = recordOf(koa.req);
  if (record) record.error = message;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;

/** A value inside the sub claim: GitHub writes a colon as %3A, so the parts stay apart. */
const part = (value: string) => value.replaceAll(':', '%3A');

/**
 * The default subject: repo:<owner>/<repo>: then environment:<name> when the job names an environment,
 * pull_request for a pull_request event, else ref:<ref>. A `sub` the job sets itself wins (a customized
 * template, or the immutable repo:<owner>@<id>/<repo>@<id> form).
 */
export function defaultSubject(claims: Record<string, unknown>): string {
  const repository = text(claims.repository) ?? '';
  const environment = text(claims.environment);
  const context = environment
    ? `environment:${part(environment)}`
    : claims.event_name === 'pull_request'
      ? 'pull_request'
      : `ref:${part(text(claims.ref) ?? '')}`;
  return `repo:${repository}:${context}`;
}

function refType(ref: string | undefined): string {
  if (ref?.startsWith('refs/heads/')) return 'branch';
  if (ref?.startsWith('refs/tags/')) return 'tag';
  return '';
}

/** The job's workflow context as token claims: what the job fixture says, and what GitHub derives from it. */
export function jobClaims(job: User): Record<string, unknown> {
  const c = job.claims;
  const repository = text(c.repository) ?? '';
  const ref = text(c.ref);
  const sha = text(c.sha) ?? createHash('sha1').update(`${repository}\u0000${job.sub}`).digest('hex');
  const workflowRef = text(c.workflow_ref);
  const derived: Record<string, unknown> = {
    repository_owner: repository.split('/')[0],
    ref_type: refType(ref),
    sha,
    event_name: 'push',
    head_ref: '',
    base_ref: '',
    runner_environment: 'github-hosted',
    ...(workflowRef ? { job_workflow_ref: workflowRef } : {}),
    workflow_sha: sha,
    job_workflow_sha: text(c.workflow_sha) ?? sha,
  };
  return { ...derived, ...c };
}

/** The runner's credentials: the client secrets registered with the issuer (fixtures/clients/github-actions.json). */
function knownRequestToken(ctx: QuirkContext, presented: string): boolean {
  return ctx.clients().some((client) => typeof client.client_secret === 'string' && client.client_secret === presented);
}

/**
 * GET <issuer>/idtoken/<job>?audience=<aud>, as a job's ACTIONS_ID_TOKEN_REQUEST_URL with `&audience=` added:
 * `Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN`, answered `{"value":"<jwt>"}`. The JWT is RS256 with
 * kid and x5t, iss the issuer, aud the audience asked for (default https://github.com/<owner>), the job's
 * workflow claims and a sub made from them, valid 5 minutes. Strict: a missing or unknown request token is
 * 401; lenient: any token, or none, will do.
 */
export function githubActionsIdToken(): Quirk {
  return {
    name: 'github-actions-id-token',
    description: 'GET /idtoken/<job>?audience=…: {"value": <RS256 JWT with the job’s workflow claims>}',
    middleware: (ctx) => async (koa, next) => {
      if (!koa.path.startsWith(ID_TOKEN_PATH)) return next();
      const record = recordOf(koa.req);
      if (record) record.route = 'github_actions_id_token';
      if (koa.method !== 'GET') {
        koa.set('allow', 'GET');
        return fail(koa, 405, `The requested resource does not support http method '${koa.method}'.`);
      }
      const bearer = /^bearer\s+(\S+)$/i.exec(koa.get('authorization'))?.[1];
      if (!ctx.lenient) {
        if (!bearer) return fail(koa, 401, 'The request token is missing: send Authorization: Bearer <token>.');
        if (!knownRequestToken(ctx, bearer)) return fail(koa, 401, 'The request token is not valid.');
      }
      let jobId: string;
      try {
        jobId = decodeURIComponent(koa.path.slice(ID_TOKEN_PATH.length));
      } catch {
        return fail(koa, 400, 'The job id in the path is not valid.');
      }
      const job = jobId ? ctx.users.get(jobId) : undefined;
      if (!job) return fail(koa, 404, `No job "${jobId}" (the issuer's jobs are its users).`);
      const audience = koa.query.audience;
      if (Array.isArray(audience)) return fail(koa, 400, 'audience may be given once.');
      const claims = jobClaims(job);
      if (!text(claims.repository)) return fail(koa, 400, `Job "${jobId}" names no repository.`);
      if (record) record.clientId = jobId;
      const now = Math.floor(issuerNow(ctx.provider()) / 1000);
      const payload: JWTPayload = {
        jti: randomUUID(),
        sub: defaultSubject(claims),
        ...claims,
        // The audience is the caller's, whatever the job's claims say.
        aud: audience || `https://github.com/${String(claims.repository_owner)}`,
        iss: ctx.issuer,
        nbf: now - NOT_BEFORE_SKEW,
        exp: now + LIFETIME,
        iat: now,
      };
      koa.status = 200;
      koa.body = { value: await ctx.sign(payload, { alg: 'RS256', typ: 'JWT', x5t: true }) };
    },
  };
}
