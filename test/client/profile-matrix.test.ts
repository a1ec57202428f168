import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  type ClientAuthentication,
  clientSecretBasic,
  clientSecretPost,
  FlowManager,
  none,
  type PresetName,
  presets,
} from '../../client/index.js';
import { UserAgent } from '../../mock-idp/index.js';
import { REDIRECT_URI, useIdp } from '../helpers/idp.js';

const idp = useIdp({ profiles: ['stitch', 'okta', 'gitlab', 'auth0'] });

// The secret-based and public methods of each profile (the assertion methods are in client-presets.test.ts).
const matrix: [PresetName, string, string, () => ClientAuthentication][] = [
  [
    'stitch',
    'client_secret_post',
    'test-5c0e7b2a-9d41-4f6e-8a3b-0c9d2e7f4b22',
    () => clientSecretPost('stitch-client-secret-0a1b2c3d4e5f'),
  ],
  ['okta', 'client_secret_basic', 'okta-web', () => clientSecretBasic('okta-web-secret')],
  ['okta', 'none', 'okta-spa', () => none()],
  [
    'gitlab',
    'client_secret_basic',
    'gitlab-app',
    () => clientSecretBasic('gloas-3f1c9e0b7a5d4c2e8f6a1b0d9c7e5a3f2b4d6e8a0c1e3f5a7b9d2c4e6f8a0b1c'),
  ],
  [
    'gitlab',
    'client_secret_post',
    'gitlab-app',
    () => clientSecretPost('gloas-3f1c9e0b7a5d4c2e8f6a1b0d9c7e5a3f2b4d6e8a0c1e3f5a7b9d2c4e6f8a0b1c'),
  ],
  ['gitlab', 'none', 'gitlab-public', () => none()],
  ['auth0', 'client_secret_post', 'auth0-web', () => clientSecretPost('auth0-web-secret')],
];

describe('the reference client logs in to every profile with each auth method', () => {
  it.each(matrix)('%s with %s', async (profile, method, clientId, auth) => {
    const issuer = idp().issuers[profile]!;
    const flows = new FlowManager(
      (presets[profile] as typeof presets.generic)(issuer, { clientId, clientAuth: auth(), redirectUri: REDIRECT_URI }),
    );
    const since = idp().requests.lastId;
    const url = await flows.start('user');
    const { url: callback } = await new UserAgent().navigate(url, { until: (u) => u.href.startsWith(REDIRECT_URI) });
    const { tokens, claims } = await flows.finish('user', callback);
    expect(claims?.iss).toBe(issuer);
    expect(claims?.aud).toContain(clientId);
    const token = idp().requests.list({ sinceId: since, issuer: profile, route: 'token' }).at(-1)!;
    expect(token.clientAuth?.method).toBe(method);
    if (profile === 'gitlab') {
      // GitLab's ID tokens live two minutes, and the client accepts them.
      const { iat, exp } = decodeJwt(tokens.idToken!);
      expect(exp! - iat!).toBe(120);
    }
    if (profile === 'auth0') expect(issuer.endsWith('/')).toBe(true);
  });
});
