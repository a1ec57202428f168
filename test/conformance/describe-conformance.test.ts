import { clientSecretBasic, FlowManager, presets, RelyingPartyError } from '../../client/index.js';
import { describeConformance } from '../../conformance/vitest.js';
import { UserAgent } from '../../mock-idp/index.js';

// The whole catalog as tests, strict: the reference client must not even miss a SHOULD.
describeConformance(
  {
    name: 'mock-idp/client',
    async run({ issuer, clientId, clientSecret, redirectUri }) {
      const flows = new FlowManager(
        presets.generic(issuer, { clientId, clientAuth: clientSecretBasic(clientSecret), redirectUri }),
      );
      try {
        const { url: callback } = await new UserAgent().navigate(await flows.start('u'), {
          until: (u) => u.href.startsWith(redirectUri),
        });
        const { claims } = await flows.finish('u', callback);
        await flows.userinfo('u');
        return { ok: true, claims: claims as Record<string, unknown> };
      } catch (error) {
        return {
          ok: false,
          code: error instanceof RelyingPartyError ? error.code : undefined,
          message: (error as Error).message,
        };
      }
    },
  },
  { strict: true, jwksRefetchIntervalMs: 0 },
); // a FlowManager per login: no key cache to wait for
