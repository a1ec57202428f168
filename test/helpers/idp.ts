import { readFileSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { type IssuerInput, type MockIdp, type StartOptions, startMockIdp } from '../../mock-idp/index.js';

export const REDIRECT_URI = 'http://127.0.0.1:3000/callback';

/** A mock-idp on a free loopback port, quiet, with only the profiles a test asks for. */
export function startTestIdp(options: StartOptions = {}): Promise<MockIdp> {
  return startMockIdp({ port: 0, host: '127.0.0.1', logLevel: 'silent', ...options });
}

/** Starts a mock-idp whose one issuer has these clients, instead of its profile's (`clients`) or beside them. */
export function startWithClients(
  field: 'clients' | 'extraClients',
  clients: NonNullable<IssuerInput['clients']>,
): Promise<MockIdp> {
  return startTestIdp({
    issuers: [field === 'clients' ? { name: 'a', clients } : { name: 'a', extraClients: clients }],
  });
}

/**
 * A mock-idp of the tests' own, for what the run's shared one (mockIdp() from mock-idp/vitest) cannot be
 * used for: a custom configuration, the in-process API, or state that tests in other files must not see.
 * Started before the tests of the file (or describe block) it is called in and closed after them:
 *
 *   const idp = useIdp({ profiles: ['okta'] });
 *   it('…', async () => { await fetch(idp().issuers.okta!); });
 *
 * Options known only once earlier hooks have run (a port of another server) come as a function.
 */
export function useIdp(options: StartOptions | (() => StartOptions | Promise<StartOptions>) = {}): () => MockIdp {
  let idp: MockIdp | undefined;
  beforeAll(async () => {
    idp = await startTestIdp(typeof options === 'function' ? await options() : options);
  });
  afterAll(() => idp?.close());
  return () => {
    if (!idp) throw new Error('useIdp: the mock-idp starts in beforeAll; read it inside a hook or a test');
    return idp;
  };
}

/** useIdp with one profile, and the URL of its issuer (known once the IdP is up). */
export function useIssuer(profile: string): { idp: () => MockIdp; issuer: () => string } {
  const idp = useIdp({ profiles: [profile] });
  return { idp, issuer: () => idp().issuers[profile]! };
}

/** A profile's issuer and a lenient twin of it at /<profile>-lenient, for tests of what strict mode refuses. */
export function strictAndLenient(profile: string, lenient: Partial<IssuerInput> = {}): IssuerInput[] {
  return [
    { name: profile, profile },
    { name: `${profile}-lenient`, profile, path: `/${profile}-lenient`, lenient: true, ...lenient },
  ];
}

/** useIdp with a profile's strict and lenient issuers (strictAndLenient), and their URLs once the IdP is up. */
export function useStrictAndLenient(
  profile: string,
  lenient: Partial<IssuerInput> = {},
): { idp: () => MockIdp; issuer: () => string; lenientIssuer: () => string } {
  const idp = useIdp({ issuers: strictAndLenient(profile, lenient) });
  return { idp, issuer: () => idp().issuers[profile]!, lenientIssuer: () => idp().issuers[`${profile}-lenient`]! };
}

export function fixtureJson<T>(path: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8')) as T;
}

export function fixtureText(path: string): string {
  return readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8');
}
