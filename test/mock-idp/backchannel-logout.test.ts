import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { REDIRECT_URI, useIdp } from '../helpers/idp.js';
import { codeFlow, discover } from '../helpers/login.js';
import { useLogoutReceiver } from '../helpers/logout-receiver.js';

const { received, url: receiverUrl } = useLogoutReceiver();
const idp = useIdp(() => ({
  issuers: [
    {
      name: 'generic',
      extraClients: [
        {
          client_id: 'bcl-app',
          client_secret: 'bcl-secret',
          redirect_uris: [REDIRECT_URI],
          post_logout_redirect_uris: ['http://127.0.0.1:3000/'],
          backchannel_logout_uri: receiverUrl(),
        },
      ],
    },
  ],
}));

describe('back-channel logout', () => {
  it('posts a signed logout token to the client when the user logs out', async () => {
    const issuer = idp().issuers.generic!;
    const config = await discover(issuer, 'bcl-app', client.ClientSecretBasic('bcl-secret'));
    const { tokens, agent } = await codeFlow(config);
    const logoutUrl = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: 'http://127.0.0.1:3000/',
    });
    await agent.navigate(logoutUrl, { until: (u) => u.origin === 'http://127.0.0.1:3000' });
    await expect.poll(() => received.length).toBe(1);
    const { payload, protectedHeader } = await jwtVerify(received[0]!, createRemoteJWKSet(new URL(`${issuer}/jwks`)), {
      issuer,
      audience: 'bcl-app',
    });
    expect(protectedHeader.typ).toBe('logout+jwt');
    expect(payload.sub).toBe('alice');
    expect(payload.events).toEqual({ 'http://schemas.openid.net/event/backchannel-logout': {} });
    expect(payload.nonce).toBeUndefined();
  });
});
