// Code + PKCE flows spread over every issuer of a running mock-idp, each with its
// profile's shipped fixture client: what `npm start` serves, with nothing configured.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importJWK, SignJWT } from 'jose';
import { loginProfileNames } from '../dist/mock-idp/index.js';
import { driver } from './http-driver.mjs';
import { pkceAuthorization, REDIRECT_URI } from './pkce-request.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
// Profiles whose plain-OAuth scopes are not openid's.
const SCOPES = { github: 'read:user', stackexchange: 'private_info' };
const AUTH_METHODS = new Set(['client_secret_basic', 'client_secret_post']);

/** Apple's client secret: an ES256 JWT the team key signs (see mock-idp/profiles/apple/client-secret.ts). */
async function appleSecret(client) {
  const jwk = JSON.parse(readFileSync(join(root, 'fixtures/keys/clients/apple-team.json'), 'utf8')).keys[0];
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid })
    .setIssuer(client.team_id)
    .setSubject(client.client_id)
    .setAudience('https://appleid.apple.com')
    .setIssuedAt()
    .setExpirationTime('1d')
    .sign(await importJWK(jwk, 'ES256'));
}

/** One flow target per issuer: its endpoints and a confidential fixture client with a loopback redirect URI. */
export async function issuerTargets(baseUrl) {
  const { issuers } = await (await fetch(`${baseUrl}/_admin/issuers`)).json();
  const targets = [];
  // A workload issuer (github-actions) has nobody to log in: jobs ask it for tokens.
  const loginProfiles = new Set(loginProfileNames());
  for (const issuer of issuers.filter((i) => loginProfiles.has(i.profile))) {
    const fixtures = JSON.parse(readFileSync(join(root, 'fixtures/clients', `${issuer.profile}.json`), 'utf8'));
    const client = fixtures.find(
      (c) =>
        AUTH_METHODS.has(c.token_endpoint_auth_method ?? 'client_secret_basic') &&
        c.redirect_uris?.includes(REDIRECT_URI) &&
        (c.grant_types ?? ['authorization_code']).includes('authorization_code'),
    );
    if (!client) throw new Error(`issuer ${issuer.name}: no fixture client for a code flow`);
    let authorization;
    let token;
    if (issuer.discovery) {
      ({ authorization_endpoint: authorization, token_endpoint: token } = await (await fetch(issuer.discovery)).json());
    } else {
      ({ authorization, token } = issuer.endpoints);
    }
    const secret = issuer.profile === 'apple' ? await appleSecret(client) : client.client_secret;
    const basic = (client.token_endpoint_auth_method ?? 'client_secret_basic') === 'client_secret_basic';
    targets.push({
      name: issuer.name,
      authorization,
      // Stack Exchange answers its token endpoint as a form unless asked for JSON.
      token: issuer.profile === 'stackexchange' ? `${token}/json` : token,
      scope: SCOPES[issuer.profile] ?? 'openid',
      clientId: client.client_id,
      // GitHub answers its token endpoint as a form unless asked for JSON.
      headers: {
        accept: 'application/json',
        ...(basic
          ? { authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}` }
          : {}),
      },
      credentials: basic ? {} : { client_id: client.client_id, client_secret: secret },
    });
  }
  return targets;
}

/** One authorization code + PKCE flow at a target: every redirect with a fresh cookie jar, then the code redeemed. */
export async function targetFlow(target) {
  const { url, verifier } = pkceAuthorization(target.authorization, {
    client_id: target.clientId,
    scope: target.scope,
    // Stitch wants 32 to 300 characters.
    ...(target.scope.includes('openid') ? { nonce: randomBytes(16).toString('hex') } : {}),
  });
  const callback = await driver.navigate(url, (u) => u.href.startsWith(REDIRECT_URI));
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`${target.name}: no code at ${callback.href}`);
  const body = await driver.postForm(
    target.token,
    target.headers,
    new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
      ...target.credentials,
    }),
  );
  if (!body.access_token) throw new Error(`${target.name}: no token: ${JSON.stringify(body)}`);
}
