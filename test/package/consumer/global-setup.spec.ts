// Runs in a fresh project with the packed mock-idp (see test/package/pack.test.ts); .spec so that our own suite leaves
// it alone.
import { createRequire } from 'node:module';
import { mockIdp } from 'mock-idp/vitest';
import { expect, it } from 'vitest';
import { clientsOf, login } from './login.js';

it('logs in at the mock-idp that globalSetup started', async () => {
  const { issuers } = mockIdp();
  const issuer = issuers.generic;
  if (!issuer) throw new Error('no generic issuer');
  // The fixtures export, as a user's code resolves it.
  const clients = clientsOf(createRequire(import.meta.url).resolve('mock-idp/fixtures/clients/generic.json'));
  const client = clients.find((c) => c.client_id === 'generic-basic');
  if (!client) throw new Error('no generic-basic client');
  expect(await login(issuer, client)).toBe(issuer);
});
