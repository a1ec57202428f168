import { describe, expect, it } from 'vitest';
import { builtinProfiles, type Profile } from '../../../mock-idp/index.js';
import { useIdp } from '../../helpers/idp.js';

const profiles: readonly Profile[] = builtinProfiles;
const idp = useIdp();

async function advertisesIss(name: string): Promise<boolean> {
  const issuer = idp().issuers[name]!;
  const response = await fetch(new URL('.well-known/openid-configuration', issuer.replace(/\/?$/, '/')));
  expect(response.status).toBe(200);
  return 'authorization_response_iss_parameter_supported' in ((await response.json()) as object);
}

// Each profile's own tests show its callbacks without iss; this is the setting's part in discovery.
describe('issParameter: false', () => {
  it('is set for the providers that send no RFC 9207 iss', () => {
    expect(profiles.filter((p) => p.issParameter === false).map((p) => p.name)).toEqual([
      'stackexchange',
      'apple',
      'github',
      'entra',
    ]);
  });

  it.each(profiles.filter((p) => p.issParameter === false && p.discovery !== false).map((p) => p.name))(
    "keeps authorization_response_iss_parameter_supported out of %s's discovery",
    async (name) => {
      expect(await advertisesIss(name)).toBe(false);
    },
  );

  it('leaves it in where the profile does not say so (generic)', async () => {
    expect(await advertisesIss('generic')).toBe(true);
  });
});
