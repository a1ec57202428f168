// How robust and how fast the msw loopback forwarder is: N concurrent logins at
// https://acme.okta.com through msw, counting failures. Run: npm run build && node bench/msw-forwarder.mjs
import { performance } from 'node:perf_hooks';
import { setupServer } from 'msw/node';
import * as client from 'openid-client';
import { UserAgent } from '../dist/mock-idp/index.js';
import { createProviderHandlers } from '../dist/mock-idp/msw.js';

const FLOWS = Number(process.env.BENCH_FLOWS ?? 2000);
const CONCURRENCY = 8;
const REDIRECT_URI = 'http://127.0.0.1:3000/callback';

const providers = await createProviderHandlers({ tenant: 'acme', providers: ['okta'] });
const server = setupServer(...providers.handlers);
server.listen({ onUnhandledRequest: 'error' });
const config = await client.discovery(
  new URL('https://acme.okta.com/oauth2/default'),
  'okta-web',
  {},
  client.ClientSecretBasic('okta-web-secret'),
);

async function login() {
  const verifier = client.randomPKCECodeVerifier();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const { url: callback } = await new UserAgent().navigate(url, { until: (u) => u.href.startsWith(REDIRECT_URI) });
  await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier });
}

let next = 0;
let failures = 0;
const errors = new Map();
const started = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < FLOWS) {
      next += 1;
      try {
        await login();
      } catch (error) {
        failures += 1;
        errors.set(error.message, (errors.get(error.message) ?? 0) + 1);
      }
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
console.log(
  `msw forwarder, ${new Date().toISOString().slice(0, 10)}, node ${process.version}: ` +
    `${FLOWS} logins at https://acme.okta.com, concurrency ${CONCURRENCY}`,
);
console.log(
  `  ${(FLOWS / seconds).toFixed(0)} logins/s, ${failures} ` +
    `failures${failures ? `: ${JSON.stringify(Object.fromEntries(errors))}` : ''}`,
);
server.close();
await providers.close();
process.exit(failures ? 1 : 0);
