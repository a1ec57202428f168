import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { useIdp } from '../helpers/idp.js';
import { codeFlow, discoverGenericBasic } from '../helpers/login.js';

const PROTOCOL = [
  'iss',
  'aud',
  'exp',
  'iat',
  'nbf',
  'nonce',
  'azp',
  'at_hash',
  'c_hash',
  'sid',
  'jti',
  'auth_time',
  'acr',
  'amr',
  'scope',
  'client_id',
  'cnf',
];
const profileClaims = (claims: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(claims).filter(([k]) => !PROTOCOL.includes(k)));

let config: client.Configuration;

const idp = useIdp({
  profiles: ['generic'],
  issuers: [
    {
      name: 'claims',
      profile: 'generic',
      path: '/claims',
      extraUsers: [
        {
          sub: 'dora',
          username: 'dora.d',
          claims: {
            email: 'Dora@Example.com',
            name: 'Dora',
            updated_at: '2026-01-01T00:00:00Z',
            'https://example.com/roles': ['auditor'],
            tenant_id: 't-42',
          },
        },
      ],
    },
  ],
});
beforeAll(async () => {
  config = await discoverGenericBasic(idp().issuers.claims!);
});

describe('user claims', () => {
  it('are the same in the ID token, userinfo and a JWT access token', async () => {
    const scope = 'openid profile email';
    const { tokens } = await codeFlow(config, { scope, loginHint: 'dora' });
    const idClaims = profileClaims(tokens.claims()!);
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, 'dora');
    expect(idClaims).toEqual({
      sub: 'dora',
      email: 'Dora@Example.com',
      name: 'Dora',
      preferred_username: 'dora.d',
      updated_at: 1767225600,
      'https://example.com/roles': ['auditor'],
      tenant_id: 't-42',
    });
    expect(profileClaims(userinfo)).toEqual(idClaims);

    const withResource = await codeFlow(config, {
      scope: `${scope} api:read`,
      loginHint: 'dora',
      extra: { resource: 'https://api.example.com' },
    });
    const at = decodeJwt(withResource.tokens.access_token);
    expect(at.aud).toBe('https://api.example.com');
    expect(profileClaims(at)).toEqual(idClaims);
  });

  it('keep timestamps numeric even when configured as ISO strings', async () => {
    const { tokens } = await codeFlow(config, {
      scope: 'openid profile',
      loginHint: 'dora',
      extra: { max_age: '300' },
    });
    expect(tokens.claims()!.updated_at).toBe(1767225600);
    expect(typeof tokens.claims()!.auth_time).toBe('number');
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, 'dora');
    expect(userinfo.updated_at).toBe(1767225600);
  });

  it('are released by scope: no profile scope, no profile claims', async () => {
    const { tokens } = await codeFlow(config, { scope: 'openid email', loginHint: 'alice' });
    const claims = tokens.claims()!;
    expect(claims.email).toBe('alice@example.com');
    expect(claims.name).toBeUndefined();
    expect(claims.groups).toEqual(['admins', 'developers']);
  });
});

describe('headless login', () => {
  it.each([
    ['sub', 'dora'],
    ['username', 'dora.d'],
    ['email, any case', 'dora@example.COM'],
  ])('picks the user by %s', async (_label, hint) => {
    const { tokens } = await codeFlow(config, { loginHint: hint });
    expect(tokens.claims()!.sub).toBe('dora');
  });

  it('uses the default user without a login_hint', async () => {
    const { tokens } = await codeFlow(config);
    expect(tokens.claims()!.sub).toBe('alice');
  });

  it('switches user when a later login_hint names someone else, in the same browser', async () => {
    const first = await codeFlow(config, { loginHint: 'alice' });
    const second = await codeFlow(config, { loginHint: 'bob', agent: first.agent });
    expect(second.tokens.claims()!.sub).toBe('bob');
  });

  it('returns access_denied to the client for an unknown login_hint', async () => {
    await expect(codeFlow(config, { loginHint: 'nobody@example.com' })).rejects.toMatchObject({
      error: 'access_denied',
      error_description: expect.stringContaining('nobody@example.com'),
    });
  });
});
