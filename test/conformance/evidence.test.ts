import { describe, expect, it } from 'vitest';
import { csrfProtected, injectionProtected } from '../../conformance/cases/evidence.js';
import type { RequestRecord } from '../../mock-idp/index.js';

/** An authorization request as the request log records it, with these query parameters. */
const login = (query: Record<string, string>) =>
  ({ id: 1, route: 'authorization', method: 'GET', path: '/auth', query, body: {}, headers: {} }) as RequestRecord;
const context = { actions: ['login'] } as unknown as Parameters<typeof csrfProtected>[1];

describe('evidence read from the request log', () => {
  it('counts a nonce as protection only with scope openid, where an ID token brings it back', () => {
    expect(csrfProtected([login({ scope: 'openid email', nonce: 'n' })], context)).toBeUndefined();
    expect(injectionProtected([login({ scope: 'openid', nonce: 'n' })], context)).toBeUndefined();
    // Plain OAuth: no ID token, so the nonce is never checked by anyone.
    expect(csrfProtected([login({ scope: 'email', nonce: 'n' })], context)).toMatch(/^sent an authorization request/);
    expect(injectionProtected([login({ scope: 'email', nonce: 'n' })], context)).toMatch(/neither PKCE nor nonce/);
  });
});
