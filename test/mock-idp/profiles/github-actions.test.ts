/**
 * The GitHub Actions OIDC issuer: a job's token request as the runner makes it
 * (GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=…, Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN),
 * and the token verified the way cloud federation code does: discovery, JWKS,
 * signature, iss, aud and the subject or workflow claims a trust policy names.
 */
import { createHash } from 'node:crypto';
import { getIDToken } from '@actions/core';
import { createRemoteJWKSet, decodeProtectedHeader, type JWTPayload, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { renderBanner } from '../../../mock-idp/banner.js';
import { fixtureJson, strictAndLenient, useIdp } from '../../helpers/idp.js';

const REQUEST_TOKEN = fixtureJson<{ client_secret: string }[]>('clients/github-actions.json')[0]!.client_secret;

const idp = useIdp({ issuers: strictAndLenient('github-actions') });
const issuer = () => idp().issuers['github-actions']!;
const lenientIssuer = () => idp().issuers['github-actions-lenient']!;

/** The runner's two variables for a job, as the Actions service hands them to the job. */
const requestUrl = (job: string, base = issuer()) => `${base}/idtoken/${job}?api-version=2.0`;

/** What a shell step does: curl "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=…" with the bearer. */
async function requestToken(job: string, audience?: string, token: string | null = REQUEST_TOKEN, base = issuer()) {
  const url = audience ? `${requestUrl(job, base)}&audience=${encodeURIComponent(audience)}` : requestUrl(job, base);
  return fetch(url, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
}

async function tokenOf(job: string, audience?: string): Promise<string> {
  const response = await requestToken(job, audience);
  expect(response.status).toBe(200);
  const body = (await response.json()) as { value?: unknown };
  expect(Object.keys(body)).toEqual(['value']);
  expect(typeof body.value).toBe('string');
  return body.value as string;
}

/** What AWS STS, Azure or Vault do with the token: discovery, JWKS, signature, iss, aud, then the claims. */
async function verifyAsCloud(jwt: string, audience: string): Promise<JWTPayload> {
  const discovery = (await (await fetch(`${issuer()}/.well-known/openid-configuration`)).json()) as {
    issuer: string;
    jwks_uri: string;
  };
  const { payload } = await jwtVerify(jwt, createRemoteJWKSet(new URL(discovery.jwks_uri)), {
    issuer: discovery.issuer,
    audience,
    algorithms: ['RS256'],
  });
  return payload;
}

describe('GitHub Actions OIDC issuer', () => {
  it("publishes GitHub's discovery document and a JWKS with the key's certificate", async () => {
    const discovery = (await (await fetch(`${issuer()}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(discovery).toEqual({
      issuer: issuer(),
      jwks_uri: `${issuer()}/.well-known/jwks`,
      subject_types_supported: ['public', 'pairwise'],
      response_types_supported: ['id_token'],
      claims_supported: expect.arrayContaining(['repository', 'ref', 'sha', 'job_workflow_ref', 'runner_environment']),
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid'],
    });
    const jwks = (await (await fetch(String(discovery.jwks_uri))).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    const [key] = jwks.keys;
    expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(key!.d).toBeUndefined();
    // x5t is the SHA-1 thumbprint of the certificate in x5c.
    const der = Buffer.from(String((key!.x5c as string[])[0]), 'base64');
    expect(key!.x5t).toBe(createHash('sha1').update(der).digest('base64url'));
  });

  it('answers a job {"value": <jwt>}: RS256 with kid and x5t, the default audience, 5 minutes of life', async () => {
    const jwt = await tokenOf('deploy-production');
    const header = decodeProtectedHeader(jwt);
    const jwks = (await (await fetch(`${issuer()}/.well-known/jwks`)).json()) as {
      keys: { kid: string; x5t: string }[];
    };
    expect(header).toEqual({ alg: 'RS256', kid: jwks.keys[0]!.kid, typ: 'JWT', x5t: jwks.keys[0]!.x5t });
    const claims = await verifyAsCloud(jwt, 'https://github.com/octo-org');
    expect(claims).toMatchObject({
      iss: issuer(),
      aud: 'https://github.com/octo-org',
      sub: 'repo:octo-org/octo-repo:environment:production',
      environment: 'production',
      repository: 'octo-org/octo-repo',
      repository_owner: 'octo-org',
      repository_id: '74',
      ref: 'refs/heads/main',
      ref_type: 'branch',
      event_name: 'push',
      workflow_ref: 'octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main',
      job_workflow_ref: 'octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main',
      run_attempt: '1',
      runner_environment: 'github-hosted',
    });
    expect(claims.exp! - claims.iat!).toBe(300);
    expect(claims.iat! - claims.nbf!).toBe(600);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('signs for the audience the job asks for, and a cloud checking another audience refuses it', async () => {
    const jwt = await tokenOf('test-main', 'sts.amazonaws.com');
    expect((await verifyAsCloud(jwt, 'sts.amazonaws.com')).aud).toBe('sts.amazonaws.com');
    await expect(verifyAsCloud(jwt, 'api://AzureADTokenExchange')).rejects.toThrow(/aud/);
  });

  it('makes the subject from the workflow context: ref, pull_request, tag, and %3A for a colon', async () => {
    const subject = async (job: string) => (await verifyAsCloud(await tokenOf(job, 'x'), 'x')).sub;
    expect(await subject('test-main')).toBe('repo:octo-org/octo-repo:ref:refs/heads/main');
    expect(await subject('pull-request-1347')).toBe('repo:octo-org/octo-repo:pull_request');
    expect(await subject('release-v2.4.0')).toBe('repo:octo-org/octo-repo:ref:refs/tags/v2.4.0');
    // A reusable workflow's job names the called workflow in job_workflow_ref.
    const release = await verifyAsCloud(await tokenOf('release-v2.4.0', 'x'), 'x');
    expect(release.job_workflow_ref).toBe('octo-org/octo-automation/.github/workflows/publish.yml@refs/heads/main');
    expect(release.workflow_ref).toBe('octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v2.4.0');
    expect(release.ref_type).toBe('tag');
  });

  it('lets a test choose the workflow context through the admin API, and the next token carries it', async () => {
    idp().admin.upsertUser('github-actions', {
      sub: 'fork-deploy',
      claims: { repository: 'evil-org/octo-repo', ref: 'refs/heads/main', environment: 'Production:V1' },
    });
    const forked = await verifyAsCloud(await tokenOf('fork-deploy'), 'https://github.com/evil-org');
    expect(forked.sub).toBe('repo:evil-org/octo-repo:environment:Production%3AV1');
    expect(forked.repository_owner).toBe('evil-org');
    // An explicit sub wins: a customized subject template, or the immutable owner@id/repo@id form.
    idp().admin.mergeClaims('github-actions', 'fork-deploy', {
      sub: 'repo:evil-org@66/octo-repo@75:ref:refs/heads/main',
    });
    expect((await verifyAsCloud(await tokenOf('fork-deploy', 'x'), 'x')).sub).toBe(
      'repo:evil-org@66/octo-repo@75:ref:refs/heads/main',
    );
    idp().admin.removeUser('github-actions', 'fork-deploy');
  });

  it("@actions/core's getIDToken gets one from the mock's URL: the runner's variables are the setting", async () => {
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = requestUrl('test-main');
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = REQUEST_TOKEN;
    try {
      const claims = await verifyAsCloud(await getIDToken('sts.amazonaws.com'), 'sts.amazonaws.com');
      expect(claims.sub).toBe('repo:octo-org/octo-repo:ref:refs/heads/main');
    } finally {
      delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
      delete process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    }
  });

  it('mints an expired token from a clock set back, which federation code must refuse', async () => {
    idp().admin.shiftClock('github-actions', -3600);
    try {
      const jwt = await tokenOf('test-main', 'x');
      await expect(verifyAsCloud(jwt, 'x')).rejects.toThrow(/"exp" claim timestamp check failed/);
    } finally {
      idp().admin.shiftClock('github-actions', 0);
    }
  });

  it('refuses a missing or unknown request token with 401, and an unknown job with 404', async () => {
    for (const token of [null, 'not-the-runner-token']) {
      const response = await requestToken('deploy-production', 'x', token);
      expect(response.status, String(token)).toBe(401);
      expect(((await response.json()) as { message: string }).message).toMatch(/request token/);
    }
    const unknown = await requestToken('no-such-job', 'x');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { message: string }).message).toMatch(/no-such-job/);
    const post = await fetch(requestUrl('deploy-production'), {
      method: 'POST',
      headers: { authorization: `Bearer ${REQUEST_TOKEN}` },
    });
    expect(post.status).toBe(405);
  });

  it('says in the start-up banner that nobody logs in here', () => {
    const banner = renderBanner('http://127.0.0.1:9400', idp().describe(), { adminOpen: true, loopbackOnly: true });
    expect(banner).toContain('● github-actions (github-actions, login: none, jobs request tokens)');
  });

  it('has no endpoint to log in at: authorize, token and userinfo are 404', async () => {
    for (const path of ['/auth', '/token', '/me', '/oauth2/authorize', '/interaction/x'])
      expect((await fetch(`${issuer()}${path}`)).status, path).toBe(404);
  });

  it('takes any request token, or none, when lenient', async () => {
    const response = await requestToken('deploy-production', 'x', null, lenientIssuer());
    expect(response.status).toBe(200);
    const { value } = (await response.json()) as { value: string };
    expect(decodeProtectedHeader(value).alg).toBe('RS256');
  });
});
