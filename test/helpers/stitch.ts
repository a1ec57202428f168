import { expect } from 'vitest';

/** A Stitch client that may take client-credentials tokens for the GraphQL API; the name keeps files apart. */
export function stitchApiClient(name: string) {
  return {
    client_id: name,
    client_secret: `${name}-secret`,
    token_endpoint_auth_method: 'client_secret_post' as const,
    grant_types: ['client_credentials'],
    scope: 'accounts balances',
  };
}

/** A client-credentials access token from a Stitch issuer. */
export async function stitchToken(issuer: string, client: { client_id: string; client_secret: string }) {
  const response = await fetch(`${issuer}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: client.client_id,
      client_secret: client.client_secret,
      scope: 'accounts',
    }),
  });
  const body = (await response.json()) as { access_token?: string };
  expect(body.access_token, JSON.stringify(body)).toBeTypeOf('string');
  return body.access_token!;
}

/** Posts a raw GraphQL body to a Stitch issuer and reads its JSON answer. */
export async function stitchGraphql(issuer: string, token: string, body: string) {
  const response = await fetch(`${issuer}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  });
  return {
    status: response.status,
    body: (await response.json()) as { errors?: { message: string }[]; data?: unknown },
  };
}
