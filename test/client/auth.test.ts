import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, importX509, type JWK, jwtVerify } from 'jose';
import type * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import {
  type ClientAuthentication,
  ClientCredentialError,
  clientSecretBasic,
  clientSecretJwt,
  clientSecretPost,
  none,
  privateKeyJwt,
  readPemPrivateKey,
} from '../../client/index.js';
import { fixtureJson, fixtureText } from '../helpers/idp.js';

const STITCH_CLIENT = 'test-18fd1d5f-3d34-4b1c-a7c6-2b4f8c0e1a11';
const server = (issuer: string, tokenEndpoint: string) =>
  ({ issuer, token_endpoint: tokenEndpoint }) as oidc.ServerMetadata;

/** Runs a builder's openid-client callback the way openid-client does, and returns what it put in the request. */
async function authenticate(
  auth: ClientAuthentication,
  audience: 'issuer' | 'token_endpoint',
  as: oidc.ServerMetadata,
  clientId: string,
) {
  const body = new URLSearchParams();
  const headers = new Headers();
  await auth.toOpenIdClient({ audience })(as, { client_id: clientId } as oidc.ClientMetadata, body, headers);
  return { body, headers };
}

describe('private_key_jwt from a PEM bundle with Bag Attributes and a certificate', () => {
  const pem = fixtureText('keys/clients/stitch-client-certificate.pem');

  it('takes the private key block and the localKeyID as kid', () => {
    const { jwk, localKeyId } = readPemPrivateKey(pem);
    expect(localKeyId).toBe('0D5EB443B135616B8A349CE194E8C1DABB252000');
    expect(jwk).toMatchObject({ kty: 'RSA', d: expect.any(String) });
  });

  it('signs an assertion for the token endpoint that verifies with the certificate', async () => {
    const tokenUrl = 'http://127.0.0.1:9400/stitch/connect/token';
    const { body } = await authenticate(
      privateKeyJwt({ pem }),
      'token_endpoint',
      server('http://127.0.0.1:9400/stitch', tokenUrl),
      STITCH_CLIENT,
    );
    expect(body.get('client_id')).toBe(STITCH_CLIENT);
    expect(body.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    const assertion = body.get('client_assertion')!;
    expect(decodeProtectedHeader(assertion)).toEqual({ alg: 'RS256', kid: '0D5EB443B135616B8A349CE194E8C1DABB252000' });
    const certificate = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)![0];
    const { payload } = await jwtVerify(assertion, await importX509(certificate, 'RS256'), {
      audience: tokenUrl,
      issuer: STITCH_CLIENT,
      subject: STITCH_CLIENT,
    });
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('uses a new jti every time', async () => {
    const auth = privateKeyJwt({ pem });
    const as = server('https://issuer.example', 'https://issuer.example/token');
    const a = decodeJwt((await authenticate(auth, 'issuer', as, STITCH_CLIENT)).body.get('client_assertion')!);
    const b = decodeJwt((await authenticate(auth, 'issuer', as, STITCH_CLIENT)).body.get('client_assertion')!);
    expect(a.jti).not.toBe(b.jti);
  });

  it('names the issuer with its trailing slash under the issuer rule (Auth0)', async () => {
    const { body } = await authenticate(
      privateKeyJwt({ pem }),
      'issuer',
      server('https://tenant.auth0.com/', 'https://tenant.auth0.com/oauth/token'),
      'auth0-pkjwt',
    );
    expect(decodeJwt(body.get('client_assertion')!).aud).toBe('https://tenant.auth0.com/');
  });

  it('refuses a PEM without a private key, and an encrypted one', () => {
    const certificateOnly = pem.replace(/-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/, '');
    expect(() => privateKeyJwt({ pem: certificateOnly })).toThrow(ClientCredentialError);
    expect(() =>
      privateKeyJwt({ pem: '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----' }),
    ).toThrow(/encrypted/);
  });
});

describe('private_key_jwt from a JWK', () => {
  const keys = fixtureJson<{ keys: JWK[] }>('keys/clients/generic-private-key-jwt.json').keys;

  it('uses the JWK kid and alg (ES256)', async () => {
    const jwk = keys.find((k) => k.alg === 'ES256')!;
    const { body } = await authenticate(
      privateKeyJwt({ jwk }),
      'issuer',
      server('https://op.example', 'https://op.example/token'),
      'c',
    );
    expect(decodeProtectedHeader(body.get('client_assertion')!)).toEqual({ alg: 'ES256', kid: jwk.kid });
  });

  it('uses the RFC 7638 thumbprint when the JWK has no kid', async () => {
    const { kid: _kid, ...jwk } = keys.find((k) => k.alg === 'RS256')!;
    const { body } = await authenticate(
      privateKeyJwt({ jwk }),
      'issuer',
      server('https://op.example', 'https://op.example/token'),
      'c',
    );
    expect(decodeProtectedHeader(body.get('client_assertion')!).kid).toBe(await calculateJwkThumbprint(jwk));
  });

  it('refuses a public JWK', () => {
    const { d: _d, ...publicJwk } = keys[0]!;
    const error = (() => {
      try {
        privateKeyJwt({ jwk: publicJwk });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toMatchObject({ code: 'client_key_invalid' });
  });
});

describe('secret-based methods', () => {
  it('client_secret_jwt follows the audience rule too', async () => {
    const as = server('https://op.example', 'https://op.example/oauth/token');
    const auth = clientSecretJwt('a-secret-of-at-least-thirty-two-bytes!!');
    const toEndpoint = await authenticate(auth, 'token_endpoint', as, 'c');
    const toIssuer = await authenticate(auth, 'issuer', as, 'c');
    expect(decodeJwt(toEndpoint.body.get('client_assertion')!)).toMatchObject({
      aud: 'https://op.example/oauth/token',
      iss: 'c',
      sub: 'c',
    });
    expect(decodeJwt(toIssuer.body.get('client_assertion')!).aud).toBe('https://op.example');
    expect(decodeProtectedHeader(toIssuer.body.get('client_assertion')!)).toEqual({ alg: 'HS256' });
  });

  it('client_secret_basic form-encodes the id and secret before base64 (RFC 6749 2.3.1)', async () => {
    const { headers, body } = await authenticate(
      clientSecretBasic('Xq7(Ms*4Lb)'),
      'issuer',
      server('https://op.example', 'https://op.example/token'),
      'a b',
    );
    const [id, secret] = Buffer.from(headers.get('authorization')!.replace('Basic ', ''), 'base64')
      .toString()
      .split(':');
    expect(decodeURIComponent(id!.replace(/\+/g, ' '))).toBe('a b');
    expect(secret).toBe('Xq7%28Ms%2A4Lb%29');
    expect(body.has('client_secret')).toBe(false);
  });

  it('client_secret_post and none', async () => {
    const as = server('https://op.example', 'https://op.example/token');
    expect(Object.fromEntries((await authenticate(clientSecretPost('s3cret'), 'issuer', as, 'c')).body)).toEqual({
      client_id: 'c',
      client_secret: 's3cret',
    });
    expect(Object.fromEntries((await authenticate(none(), 'issuer', as, 'c')).body)).toEqual({ client_id: 'c' });
    expect(() => clientSecretPost('')).toThrow(ClientCredentialError);
  });
});
