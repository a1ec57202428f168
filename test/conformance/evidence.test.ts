import { describe, expect, it } from 'vitest';
import {
  csrfProtected,
  firstShownOf,
  injectionProtected,
  jwksRefetchLimited,
  noHeaderKeyUrlFetched,
  noUnknownTokenTypeUse,
  noUserinfoAfterToken,
} from '../../conformance/cases/evidence.js';
import type { RequestRecord } from '../../mock-idp/index.js';

/** An authorization request as the request log records it, with these query parameters. */
const login = (query: Record<string, string>) =>
  ({ id: 1, route: 'authorization', method: 'GET', path: '/auth', query, body: {}, headers: {} }) as RequestRecord;
const context = { actions: ['login'] } as unknown as Parameters<typeof csrfProtected>[1];
/** A request as the request log records it after the token response. */
const request = (id: number, fields: Partial<RequestRecord>) =>
  ({ id, method: 'GET', path: '/', query: {}, body: {}, headers: {}, ...fields }) as RequestRecord;

describe('evidence read from the request log', () => {
  it('counts a nonce as protection only with scope openid, where an ID token brings it back', () => {
    expect(csrfProtected([login({ scope: 'openid email', nonce: 'n' })], context)).toBeUndefined();
    expect(injectionProtected([login({ scope: 'openid', nonce: 'n' })], context)).toBeUndefined();
    // Plain OAuth: no ID token, so the nonce is never checked by anyone.
    expect(csrfProtected([login({ scope: 'email', nonce: 'n' })], context)).toMatch(/^sent an authorization request/);
    expect(injectionProtected([login({ scope: 'email', nonce: 'n' })], context)).toMatch(/neither PKCE nor nonce/);
  });

  it('counts any use of an access token of an unknown type: userinfo, or an API under any scheme but Basic', () => {
    const token = request(1, {
      route: 'token',
      method: 'POST',
      status: 200,
      headers: { authorization: 'Basic c:***' },
    });
    const used = (r: RequestRecord) => noUnknownTokenTypeUse([token, r], context);
    expect(
      used(request(2, { route: 'gitlab_api_user', status: 401, headers: { authorization: 'N_A abcd…(64)' } })),
    ).toBe('presented the access token at gitlab_api_user, though its token_type is one it cannot understand');
    expect(used(request(2, { route: 'userinfo', status: 400 }))).toMatch(/^presented the access token at userinfo/);
    expect(used(request(2, { path: '/api/v4/user', query: { access_token: 'abcd…(64)' } }))).toMatch(/api\/v4\/user/);
    // Client credentials at the token endpoint again, or a page with no token: no use.
    expect(
      used(request(2, { route: 'token', method: 'POST', headers: { authorization: 'Basic c:***' } })),
    ).toBeUndefined();
    expect(used(request(2, { route: 'discovery' }))).toBeUndefined();
    expect(noUnknownTokenTypeUse([request(2, { route: 'userinfo' }), token], context)).toBeUndefined();
  });

  it('fails a client that refetches the JWKS per unknown kid, not one whose refetch arrived a little early', () => {
    const fetches = (...ms: number[]) =>
      ms.map((at, i) => request(i + 1, { route: 'jwks', status: 200, time: new Date(at).toISOString() }));
    const allowance = { ...context, jwksRefetchIntervalMs: 2_000 } as typeof context;
    // One refetch per token: every login brings a JWKS request at once.
    expect(jwksRefetchLimited(fetches(0, 40, 80), allowance)).toBe(
      'fetched the JWKS 3 times for the same unknown kid, 1 of them within 2000 ms of the one before',
    );
    expect(jwksRefetchLimited(fetches(0, 40, 1_000), allowance)).toMatch(/1 of them within 2000 ms/);
    // It waited its 2 s, but the refetch before reached the issuer 300 ms late on a loaded machine.
    expect(jwksRefetchLimited(fetches(0, 340, 2_040), allowance)).toBeUndefined();
    expect(jwksRefetchLimited(fetches(0, 40, 2_100), allowance)).toBeUndefined();
  });

  it("fails a client that fetched the key a token's header pointed at, even when it then refused the token", () => {
    const token = request(1, { route: 'token', method: 'POST', status: 200 });
    const keyFetch = request(2, { route: 'foreign_keys', status: 200, path: '/generic/attacker-keys/c/jwks.json' });
    const userinfo = request(3, { route: 'userinfo', status: 200 });
    const neverUsed = firstShownOf(noHeaderKeyUrlFetched, noUserinfoAfterToken);
    expect(neverUsed([token, keyFetch], context)).toBe(
      "fetched the key the token's own header pointed at (/generic/attacker-keys/c/jwks.json)",
    );
    // The first failure shown, in the order given.
    expect(neverUsed([token, keyFetch, userinfo], context)).toMatch(/^fetched the key/);
    expect(neverUsed([token, userinfo], context)).toMatch(/^called userinfo/);
    expect(neverUsed([token, request(2, { route: 'jwks', status: 200 })], context)).toBeUndefined();
  });
});
