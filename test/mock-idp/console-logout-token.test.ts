import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockIdp } from '../../mock-idp/index.js';
import { REDIRECT_URI, startTestIdp } from '../helpers/idp.js';
import { codeFlow, discover } from '../helpers/login.js';
import { useLogoutReceiver } from '../helpers/logout-receiver.js';

let idp: MockIdp;
const { received, url: receiverUrl } = useLogoutReceiver();

beforeAll(async () => {
  idp = await startTestIdp({
    issuers: [
      {
        name: 'generic',
        extraClients: [
          {
            client_id: 'console-bcl',
            client_secret: 'console-bcl-secret',
            redirect_uris: [REDIRECT_URI],
            post_logout_redirect_uris: ['http://127.0.0.1:3000/'],
            backchannel_logout_uri: receiverUrl(),
          },
        ],
      },
    ],
  });
});
afterAll(() => idp.close());

describe('the console stream and logout tokens', () => {
  it(
    'shows the back-channel logout token mock-idp sent, decoded, on the logout request, and ' +
      'the id_token_hint it came with',
    async () => {
      const config = await discover(
        idp.issuers.generic!,
        'console-bcl',
        client.ClientSecretBasic('console-bcl-secret'),
      );
      const { tokens, agent } = await codeFlow(config);
      const since = idp.requests.lastId;
      const logoutUrl = client.buildEndSessionUrl(config, {
        id_token_hint: tokens.id_token!,
        post_logout_redirect_uri: 'http://127.0.0.1:3000/',
      });
      await agent.navigate(logoutUrl, { until: (u) => u.origin === 'http://127.0.0.1:3000' });
      await expect.poll(() => received.length).toBe(1);

      const controller = new AbortController();
      const res = await fetch(`${idp.url}/_console/events?since=${since}`, { signal: controller.signal });
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = '';
      while (!text.includes('event: ready')) text += (await reader.read()).value ?? '';
      controller.abort();
      const views = text
        .split('\n\n')
        .filter((b) => b.includes('event: request'))
        .map(
          (b) =>
            JSON.parse(
              b
                .split('\n')
                .find((l) => l.startsWith('data: '))!
                .slice(6),
            ) as {
              jwts: { kind: string; claims: Record<string, unknown>; facts: { label: string; ok?: boolean }[] }[];
              notes?: string[];
            },
        );
      const jwts = views.flatMap((v) => v.jwts);
      const logout = jwts.find((j) => j.kind === 'logout token')!;
      expect(logout.claims).toMatchObject({
        aud: 'console-bcl',
        sub: 'alice',
        events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
      });
      expect(logout.facts.find((f) => f.label === 'key')!.ok).toBe(true);
      expect(views.some((v) => v.notes?.some((n) => n.includes('back-channel logout token sent to')))).toBe(true);
      expect(jwts.find((j) => j.kind === 'id token hint')!.claims.aud).toBe('console-bcl');
      // Decoded claims only: the token that was sent is nowhere in the stream.
      expect(text).not.toContain(received[0]!);
      expect(text).not.toContain(tokens.id_token!);
    },
  );
});
