import { describe, expect, it } from 'vitest';
import { presets } from '../../client/index.js';
import { shortSpec } from '../../conformance/console.js';
import { builtinProfiles, loginProfileNames, providerDocs } from '../../mock-idp/index.js';
import { providerHosts } from '../../mock-idp/msw.js';

// profiles/index.ts is the one list of providers: what other layers name per provider must follow it.
describe('the profile list drives every per-provider table', () => {
  it('has a client preset for every profile a user logs in to, and none for a provider it lacks', () => {
    expect(Object.keys(presets).sort()).toEqual([...loginProfileNames()].sort());
    // GitHub Actions mints tokens for CI jobs: no one logs in, so no preset.
    expect(loginProfileNames()).not.toContain('github-actions');
  });

  it('gives msw every profile with a real host, in list order, with the tenant filled in', () => {
    expect(providerHosts('acme')).toEqual({
      stitch: { host: 'secure.stitch.money', aliases: ['api.stitch.money'], path: '/' },
      okta: { host: 'acme.okta.com', aliases: [], path: '/oauth2/default' },
      gitlab: { host: 'gitlab.com', aliases: [], path: '/' },
      stackexchange: { host: 'stackoverflow.com', aliases: ['api.stackexchange.com'], path: '/' },
      auth0: { host: 'acme.auth0.com', aliases: [], path: '/' },
      apple: { host: 'appleid.apple.com', aliases: [], path: '/' },
      google: {
        host: 'accounts.google.com',
        aliases: ['oauth2.googleapis.com', 'openidconnect.googleapis.com', 'www.googleapis.com'],
        path: '/',
      },
      github: { host: 'github.com', aliases: ['api.github.com'], path: '/' },
      'github-actions': {
        host: 'token.actions.githubusercontent.com',
        aliases: ['run-actions-2-azure-eastus.actions.githubusercontent.com'],
        path: '/',
      },
      keycloak: { host: 'keycloak.example.com', aliases: [], path: '/realms/demo' },
      entra: { host: 'login.microsoftonline.com', aliases: [], path: '/4f1c9a3e-8b2d-4e7a-9c61-2d5b7e0f3a84' },
    });
    expect(Object.keys(providerHosts('x'))).toEqual(builtinProfiles.filter((p) => 'realHost' in p).map((p) => p.name));
  });

  it("shortens a provider's documentation reference in reports as its profile says", () => {
    expect(providerDocs().length).toBeGreaterThan(0);
    for (const doc of providerDocs()) expect(shortSpec([doc.ref])).toBe(doc.short);
    expect(shortSpec(['api.stackexchange.com/docs/authentication', 'RFC 6750 2.3'])).toBe('Stack Exchange docs +1');
  });
});
