import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminInputError, type MockIdp } from '../../mock-idp/index.js';
import { startTestIdp } from '../helpers/idp.js';

let idp: MockIdp;

beforeAll(async () => {
  idp = await startTestIdp({ profiles: ['generic'] });
});
afterAll(() => idp.close());

// docs/admin-api.md: through idp.admin, bad input throws AdminInputError (what callers catch to tell it from a bug).
describe('idp.admin rejects bad input with AdminInputError', () => {
  const sub = () => idp.describe()[0]!.users[0]!.sub;

  it.each([
    ['an unknown scenario', () => idp.admin.arm('generic', 'generic-client', 'nope'), /unknown scenario "nope"/],
    [
      'a clock offset that is not a number',
      () => idp.admin.shiftClock('generic', Number.NaN),
      /finite number of seconds/,
    ],
    [
      'an infinite clock offset',
      () => idp.admin.shiftClock('generic', Number.POSITIVE_INFINITY),
      /finite number of seconds/,
    ],
    [
      'an unknown issuer',
      () => idp.admin.arm('nope', 'generic-client', 'id-token-aud-wrong'),
      /no issuer named "nope"/,
    ],
    [
      'a claims merge patch that is not an object',
      () => idp.admin.mergeClaims('generic', sub(), null as never),
      /merge patch must be a JSON object/,
    ],
    [
      'a claims merge patch that is an array',
      () => idp.admin.mergeClaims('generic', sub(), [1] as never),
      /merge patch must be a JSON object/,
    ],
  ])('%s', (_what, call, message) => {
    let thrown: unknown;
    try {
      call();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AdminInputError);
    expect((thrown as Error).name).toBe('AdminInputError');
    expect((thrown as Error).message).toMatch(message);
  });

  it('leaves the issuer as it was after a rejected change', () => {
    expect(() => idp.admin.shiftClock('generic', Number.NaN)).toThrow(AdminInputError);
    expect(idp.admin.clockOffset('generic')).toBe(0);
  });
});
