// Shared by the specs that run in a fresh project with the packed mock-idp (see test/package/pack.test.ts).
import { readFileSync } from 'node:fs';
import { UserAgent } from 'mock-idp/helpers';
import { expect } from 'vitest';

const REDIRECT = 'http://127.0.0.1:3000/callback';
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

export interface ClientFile {
  client_id: string;
  client_secret?: string;
}
export const clientsOf = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as ClientFile[];

/** A headless authorization-code login with PKCE and client_secret_basic; returns the ID token's issuer. */
export async function login(issuer: string, client: ClientFile): Promise<string> {
  const agent = new UserAgent();
  const discovery = (await (await agent.request(`${issuer}/.well-known/openid-configuration`)).json()) as {
    authorization_endpoint: string;
    token_endpoint: string;
  };
  const auth = new URL(discovery.authorization_endpoint);
  auth.search = new URLSearchParams({
    client_id: client.client_id,
    response_type: 'code',
    scope: 'openid',
    redirect_uri: REDIRECT,
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    state: 'state-1',
  }).toString();
  const { url } = await agent.navigate(auth, { until: (u) => u.href.startsWith(REDIRECT) });
  const code = url.searchParams.get('code');
  if (!code) throw new Error(`no code at ${url.href}`);
  const basic = Buffer.from(
    `${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret ?? '')}`,
  ).toString('base64');
  const response = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: VERIFIER,
    }),
  });
  expect(response.status).toBe(200);
  const { id_token: idToken } = (await response.json()) as { id_token: string };
  const payload = idToken.split('.')[1];
  if (payload === undefined) throw new Error('not a JWT');
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss: string }).iss;
}
