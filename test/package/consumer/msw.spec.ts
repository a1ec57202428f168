// Runs in a fresh project with the packed mock-idp (see test/package/pack.test.ts). Its own file:
// msw's onUnhandledRequest 'error' would otherwise refuse the globalSetup test's loopback requests.

import { fixturePath } from 'mock-idp/helpers';
import { createProviderHandlers, type ProviderHandlers } from 'mock-idp/msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { clientsOf, login } from './login.js';

// msw 3 renamed onUnhandledRequest to onUnhandledFrame; a user supporting both majors passes both.
const refuseUnhandled = { onUnhandledRequest: 'error', onUnhandledFrame: 'error' } as const;

let providers: ProviderHandlers;
const server = setupServer();
beforeAll(async () => {
  providers = await createProviderHandlers({ providers: ['gitlab'] });
  server.use(...providers.handlers);
  server.listen(refuseUnhandled);
});
afterAll(async () => {
  server.close();
  await providers.close();
});

it('logs in at https://gitlab.com through msw', async () => {
  const client = clientsOf(fixturePath('clients', 'gitlab.json')).find((c) => c.client_id === 'gitlab-app');
  if (!client) throw new Error('no gitlab-app client');
  expect(await login('https://gitlab.com', client)).toBe('https://gitlab.com');
  expect(providers.idp.requests.list({ issuer: 'gitlab' }).length).toBeGreaterThan(0);
});
