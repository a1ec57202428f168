import { setupServer } from 'msw/node';
import { afterAll, beforeAll } from 'vitest';
import { createProviderHandlers, type ProviderHandlers, type ProviderName } from '../../mock-idp/msw.js';

/**
 * The providers' real hosts served through msw for the tests of the file (or describe block) it is called in;
 * any request msw does not handle fails the test, so nothing reaches the network.
 *
 *   const providers = useMswProviders(['google']);
 *   it('…', () => expect(providers().issuers.google).toBe('https://accounts.google.com'));
 */
export function useMswProviders(names: ProviderName[]): () => ProviderHandlers {
  let providers: ProviderHandlers | undefined;
  let server: ReturnType<typeof setupServer> | undefined;
  beforeAll(async () => {
    providers = await createProviderHandlers({ providers: names });
    server = setupServer(...providers.handlers);
    server.listen({ onUnhandledRequest: 'error' });
  });
  afterAll(async () => {
    server?.close();
    await providers?.close();
  });
  return () => {
    if (!providers) throw new Error('useMswProviders: msw starts in beforeAll; read it inside a hook or a test');
    return providers;
  };
}
