/**
 * GitHub Actions OIDC at its real hosts through msw: a job gets its token the way
 * @actions/core's getIDToken does (GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=…,
 * Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN, the `value` member of the JSON answer),
 * and cloud federation code verifies it with jose against
 * https://token.actions.githubusercontent.com/.well-known/jwks, unmodified.
 * Then @actions/core's own getIDToken, unmodified.
 */
import { syncBuiltinESMExports } from 'node:module';
import { getIDToken } from '@actions/core';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixtureJson } from '../../helpers/idp.js';
import { useMswProviders } from '../../helpers/msw.js';

const ISSUER = 'https://token.actions.githubusercontent.com';
/** Where the runner's request URL points: the Actions service's host, with the api-version it always carries. */
const REQUEST_URL = 'https://run-actions-2-azure-eastus.actions.githubusercontent.com/idtoken/deploy-production';
const REQUEST_TOKEN = fixtureJson<{ client_secret: string }[]>('clients/github-actions.json')[0]!.client_secret;

const providers = useMswProviders(['github-actions']);
// msw patches node:https's CommonJS exports; @actions/http-client calls https.request through the ESM namespace,
// which Node brings in line only when asked.
beforeAll(() => syncBuiltinESMExports());
afterAll(() => syncBuiltinESMExports());

/** What AWS STS, Azure AD or Vault do with a GitHub Actions token before they trust its claims. */
async function federate(jwt: string, audience: string) {
  const jwks = createRemoteJWKSet(new URL(`${ISSUER}/.well-known/jwks`));
  const { payload, protectedHeader } = await jwtVerify(jwt, jwks, { issuer: ISSUER, audience, algorithms: ['RS256'] });
  return { payload, protectedHeader };
}

/** @actions/core's OidcClient, step by step: the URL it builds and the request it sends. */
async function getIdTokenAsTheToolkitDoes(audience?: string): Promise<string> {
  const base = process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const token = process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!base || !token) throw new Error('ACTIONS_ID_TOKEN_REQUEST_URL or ACTIONS_ID_TOKEN_REQUEST_TOKEN is unset');
  const url = audience ? `${base}&audience=${encodeURIComponent(audience)}` : base;
  const response = await fetch(url, {
    headers: { accept: 'application/json', authorization: `Bearer ${token}`, 'user-agent': 'actions/oidc-client' },
  });
  if (!response.ok) throw new Error(`Failed to get ID Token. Error Code : ${response.status}`);
  const value = ((await response.json()) as { value?: unknown }).value;
  if (typeof value !== 'string') throw new Error('Response json body do not have ID Token field');
  return value;
}

function runnerEnv(job = 'deploy-production'): void {
  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = `${REQUEST_URL.replace('deploy-production', job)}?api-version=2.0`;
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = REQUEST_TOKEN;
}

afterEach(() => {
  delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
  delete process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
});

describe('GitHub Actions OIDC at token.actions.githubusercontent.com, through msw', () => {
  it('serves the issuer at its real name', () => {
    expect(providers().issuers['github-actions']).toBe(ISSUER);
  });

  it("gets a job's token as the toolkit does, and a cloud verifies it against GitHub's JWKS", async () => {
    runnerEnv();
    const jwt = await getIdTokenAsTheToolkitDoes('sts.amazonaws.com');
    const { payload, protectedHeader } = await federate(jwt, 'sts.amazonaws.com');
    expect(protectedHeader).toMatchObject({
      alg: 'RS256',
      typ: 'JWT',
      kid: expect.any(String),
      x5t: expect.any(String),
    });
    // The claims an AWS trust policy conditions on: token.actions.githubusercontent.com:sub and :aud.
    expect(payload).toMatchObject({
      iss: ISSUER,
      aud: 'sts.amazonaws.com',
      sub: 'repo:octo-org/octo-repo:environment:production',
      repository: 'octo-org/octo-repo',
      ref: 'refs/heads/main',
    });
  });

  it('defaults the audience to https://github.com/<owner> when the job names none', async () => {
    runnerEnv('test-main');
    const { payload } = await federate(await getIdTokenAsTheToolkitDoes(), 'https://github.com/octo-org');
    expect(payload.sub).toBe('repo:octo-org/octo-repo:ref:refs/heads/main');
  });

  it('refuses the job whose request token is wrong, as the toolkit reports it', async () => {
    runnerEnv();
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = 'stale-token';
    await expect(getIdTokenAsTheToolkitDoes('x')).rejects.toThrow(/Error Code : 401/);
  });

  it('@actions/core getIDToken gets a token a cloud accepts', async () => {
    runnerEnv('release-v2.4.0');
    const jwt = await getIDToken('api://AzureADTokenExchange');
    const { payload } = await federate(jwt, 'api://AzureADTokenExchange');
    expect(payload).toMatchObject({
      sub: 'repo:octo-org/octo-repo:ref:refs/tags/v2.4.0',
      job_workflow_ref: 'octo-org/octo-automation/.github/workflows/publish.yml@refs/heads/main',
    });
  });
});
