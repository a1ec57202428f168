import { decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { clientSecretBasic, FlowManager, presets } from '../../client/index.js';
import { UserAgent } from '../../mock-idp/index.js';
import { REDIRECT_URI, useIdp } from '../helpers/idp.js';

const idp = useIdp({ profiles: ['generic'] });

async function login(flows: FlowManager, user: string) {
  const url = await flows.start(user);
  const { url: callback } = await new UserAgent().navigate(url, { until: (u) => u.href.startsWith(REDIRECT_URI) });
  return flows.finish(user, callback);
}

describe('the reference client and key rotation on mock-idp', () => {
  it('accepts a token signed by a key rotated in seconds ago, refetching the JWKS at once', async () => {
    const flows = new FlowManager(
      presets.generic(idp().issuers.generic!, {
        clientId: 'generic-basic',
        clientAuth: clientSecretBasic('generic-basic-secret'),
        redirectUri: REDIRECT_URI,
      }),
    );
    await login(flows, 'before');
    const { kid } = await idp().admin.rotateKey('generic', { alg: 'RS256', retirePrevious: true });
    const since = idp().requests.lastId;
    const after = await login(flows, 'after');
    expect(decodeProtectedHeader(after.tokens.idToken!).kid).toBe(kid);
    expect(after.claims?.sub).toBe('alice');
    // The cached JWKS lacked the new kid: exactly one refetch, right away.
    expect(idp().requests.list({ sinceId: since, route: 'jwks' })).toHaveLength(1);
  });
});
