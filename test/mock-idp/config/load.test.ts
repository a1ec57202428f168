import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type MockIdp, validateConfig } from '../../../mock-idp/index.js';
import { startTestIdp, startWithClients } from '../../helpers/idp.js';

const dir = await mkdtemp(join(tmpdir(), 'mock-idp-config-'));
const started: MockIdp[] = [];
afterAll(() => Promise.all(started.map((i) => i.close())));

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues as string[];
  }
  throw new Error('expected a ConfigError');
}

describe('config validation names the bad field and why', () => {
  it('a bad redirect URI deep in an issuer', () => {
    const issues = issuesOf(() =>
      validateConfig({
        issuers: [{ name: 'a', clients: [{ client_id: 'c', client_secret: 's', redirect_uris: ['not a url'] }] }],
      }),
    );
    expect(issues).toEqual([expect.stringMatching(/^issuers\[0\]\.clients\[0\]\.redirect_uris\[0\]: .*URL/i)]);
  });

  it('a secret-based client without a secret', () => {
    const issues = issuesOf(() =>
      validateConfig({
        issuers: [{ name: 'a', clients: [{ client_id: 'c', token_endpoint_auth_method: 'client_secret_post' }] }],
      }),
    );
    expect(issues).toEqual(['issuers[0].clients[0].client_secret: required for client_secret_post']);
  });

  it('an unknown top-level key, a wrong type and an out-of-range port together', () => {
    const issues = issuesOf(() => validateConfig({ prot: 1, port: 70000, login: 'maybe' }));
    expect(issues.join('\n')).toMatch(/port: .*65535/);
    expect(issues.join('\n')).toMatch(/login: .*headless.*page/);
    expect(issues.join('\n')).toMatch(/prot/);
  });

  it('a timestamp claim that is not a date', () => {
    const issues = issuesOf(() =>
      validateConfig({ issuers: [{ name: 'a', users: [{ sub: 'u', claims: { updated_at: 'yesterday' } }] }] }),
    );
    expect(issues).toEqual([
      'issuers[0].users[0].claims.updated_at: updated_at must be a number of seconds since the epoch or an ISO date',
    ]);
  });

  it('an unknown profile and a duplicate path fail at start with the field', async () => {
    await expect(startTestIdp({ issuers: [{ name: 'x', profile: 'nope' }] })).rejects.toThrow(
      /issuers\[0\]\.profile: unknown profile "nope"/,
    );
    await expect(
      startTestIdp({
        issuers: [
          { name: 'x', path: '/same' },
          { name: 'y', path: '/same' },
        ],
      }),
    ).rejects.toThrow(/issuers\[1\]\.path: "\/same" is already used/);
  });

  it('a client oidc-provider rejects fails at start, not at its first request', async () => {
    await expect(
      startWithClients('clients', [
        { client_id: 'c', client_secret: 's', redirect_uris: ['http://a.example/cb'], response_types: ['token'] },
      ]),
    ).rejects.toThrow(/client "c"/);
  });
});

describe('a client whose key cannot be read is named, with where it was registered', () => {
  const BAD_PEM =
    '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnot-a-key\n-----END PUBLIC KEY-----';

  it('a bad PEM in a config file: the issuer, the client, its place in the file and the file', async () => {
    const file = join(dir, 'bad-pem.yaml');
    await writeFile(
      file,
      `issuers:\n  - name: bank\n    clients:\n      - client_id: ok-app\n        client_secret: ` +
        `s\n      - client_id: pem-app\n        token_endpoint_auth_method: private_key_jwt\n      ` +
        `  public_key_pem: ${JSON.stringify(BAD_PEM)}\n`,
    );
    const error = await startTestIdp({ configFile: file }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(
      `Issuer bank: client "pem-app" (issuers[0].clients[1] in ${file}) could not be read:`,
    );
  });

  it('a bad PEM given in code: the issuer, the client and its place', async () => {
    await expect(
      startTestIdp({
        issuers: [
          { name: 'x' },
          {
            name: 'y',
            path: '/y',
            extraClients: [
              { client_id: 'pem-app', token_endpoint_auth_method: 'private_key_jwt', public_key_pem: BAD_PEM },
            ],
          },
        ],
      }),
    ).rejects.toThrow('Issuer y: client "pem-app" (issuers[1].extraClients[0]) could not be read:');
  });

  it('a bad JWK that oidc-provider refuses: the client and the file', async () => {
    const file = join(dir, 'bad-jwk.json');
    await writeFile(
      file,
      JSON.stringify({
        issuers: [
          {
            name: 'bank',
            clients: [
              {
                client_id: 'jwk-app',
                token_endpoint_auth_method: 'private_key_jwt',
                jwks: { keys: [{ kty: 'RSA', n: 'AQAB' }] },
              },
            ],
          },
        ],
      }),
    );
    await expect(startTestIdp({ configFile: file })).rejects.toThrow(
      `client "jwk-app" (issuers[0].clients[0] in ${file})`,
    );
  });
});

describe('config sources', () => {
  it('reads YAML, lets the environment override it, and explicit options override both', async () => {
    const file = join(dir, 'mock-idp.yaml');
    await writeFile(file, 'port: 1111\nlogin: page\nprofiles: [generic]\nlogLevel: error\n');
    const fromFile = await loadConfig({ file });
    expect(fromFile).toMatchObject({ port: 1111, login: 'page', profiles: ['generic'], host: '127.0.0.1' });
    const withEnv = await loadConfig({ file, env: { MOCK_IDP_PORT: '2222', MOCK_IDP_LOGIN: 'headless' } });
    expect(withEnv).toMatchObject({ port: 2222, login: 'headless' });
    const withFlags = await loadConfig({ file, env: { MOCK_IDP_PORT: '2222' }, overrides: { port: 3333 } });
    expect(withFlags.port).toBe(3333);
  });

  it('reads JSON and reports a parse error with the file name', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, '{ "port": ');
    await expect(loadConfig({ file })).rejects.toThrow(/Cannot parse config file .*broken\.json/);
  });

  it('reports an invalid environment value with the field it sets', async () => {
    await expect(loadConfig({ env: { MOCK_IDP_PORT: 'eighty' } })).rejects.toThrow(/port: /);
  });
});

describe('issuers from config', () => {
  it('runs the same profile twice at custom paths with their own clients and users', async () => {
    const idp = await startTestIdp({
      issuers: [
        {
          name: 'team-a',
          profile: 'generic',
          path: '/team-a',
          clients: [{ client_id: 'a-app', client_secret: 'a-secret', redirect_uris: ['http://127.0.0.1:4000/cb'] }],
          users: [{ sub: 'ann', claims: {} }],
        },
        { name: 'team-b', profile: 'generic', path: '/teams/b', users: [{ sub: 'ben', claims: {} }] },
      ],
    });
    started.push(idp);
    expect(idp.issuers).toEqual({ 'team-a': `${idp.url}/team-a`, 'team-b': `${idp.url}/teams/b` });
    const [a, b] = idp.describe();
    expect(a!.clients.map((c) => c.client_id)).toEqual(['a-app']);
    expect(b!.clients.map((c) => c.client_id)).toContain('generic-basic');
    const discovery = (await (await fetch(`${idp.url}/teams/b/.well-known/openid-configuration`)).json()) as Record<
      string,
      string
    >;
    expect(discovery.issuer).toBe(`${idp.url}/teams/b`);
    expect(discovery.token_endpoint).toBe(`${idp.url}/teams/b/token`);
  });

  it('keeps a trailing slash in the issuer when the path has one', async () => {
    const idp = await startTestIdp({ issuers: [{ name: 'slash', path: '/slash/' }] });
    started.push(idp);
    const discovery = (await (await fetch(`${idp.url}/slash/.well-known/openid-configuration`)).json()) as Record<
      string,
      string
    >;
    expect(discovery.issuer).toBe(`${idp.url}/slash/`);
    expect(discovery.jwks_uri).toBe(`${idp.url}/slash/jwks`);
  });

  it('enables PAR, back-channel logout and dynamic registration by configuration', async () => {
    const idp = await startTestIdp({
      issuers: [
        { name: 'on', features: { registration: true, pushedAuthorizationRequests: true, backchannelLogout: true } },
        {
          name: 'off',
          path: '/off',
          features: { registration: false, pushedAuthorizationRequests: false, backchannelLogout: false },
        },
      ],
    });
    started.push(idp);
    const on = (await (await fetch(`${idp.issuers.on}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    const off = (await (await fetch(`${idp.issuers.off}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(on).toMatchObject({
      registration_endpoint: `${idp.issuers.on}/reg`,
      pushed_authorization_request_endpoint: `${idp.issuers.on}/request`,
      backchannel_logout_supported: true,
    });
    expect(off.registration_endpoint).toBeUndefined();
    expect(off.pushed_authorization_request_endpoint).toBeUndefined();
    expect(off.backchannel_logout_supported).toBeUndefined();
    const registered = await fetch(`${idp.issuers.on}/reg`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:5000/cb'] }),
    });
    expect(registered.status).toBe(201);
    expect(await registered.json()).toMatchObject({ client_id: expect.any(String), client_secret: expect.any(String) });
  });
});
