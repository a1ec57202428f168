import { createHash } from 'node:crypto';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { peekFormBody } from '../kernel/form-body.js';
import type { Quirk } from '../kernel/plugin-types.js';
import { authorizationError } from './authorization-error.js';

export interface PkcePolicy {
  /** Methods the provider accepts; `plain` is translated to S256 for oidc-provider. */
  methods: ('S256' | 'plain')[];
  /** What an absent code_challenge_method means (RFC 7636 4.3 says plain). */
  missingMethod?: 'plain' | 'S256';
  minLength?: number;
  maxLength?: number;
  /** The provider's error for a bad challenge at the authorization endpoint. */
  challengeError?: (reason: string) => { error: string; error_description?: string };
  /** The provider's error body for a verifier of the wrong length at the token endpoint. */
  verifierLengthError?: { error: string; error_description?: string };
}

const UNRESERVED = /^[A-Za-z0-9\-._~]+$/;

/**
 * A provider's PKCE rules, checked before oidc-provider's own (which knows only
 * S256 and 43-128 characters). A plain challenge the provider allows is hashed
 * into its S256 form, so the plain verifier later matches.
 */
export function pkcePolicy(policy: PkcePolicy): Quirk {
  const min = policy.minLength ?? 43;
  const max = policy.maxLength ?? 128;
  const challengeError =
    policy.challengeError ?? ((reason) => ({ error: 'invalid_request', error_description: reason }));
  return {
    name: 'pkce-policy',
    description: `PKCE ${policy.methods.join('/')} with ${min}-${max} characters`,
    // Only the rejections are strict: a lenient issuer still translates plain
    // challenges, or plain PKCE (GitLab's happy path) would fail there.
    // Not async: only the token check awaits, so other requests cost no promise of their own.
    middleware: (ctx) => (koa, next) => {
      if (koa.path === ctx.routes.authorization && koa.method === 'GET' && koa.query.code_challenge !== undefined) {
        const challenge = String(koa.query.code_challenge);
        const method = String(koa.query.code_challenge_method ?? policy.missingMethod ?? 'plain');
        let reason: string | undefined;
        if (!policy.methods.includes(method as 'S256')) reason = `code_challenge_method ${method} is not supported`;
        else if (challenge.length < min || challenge.length > max)
          reason = `code_challenge must be ${min} to ${max} characters`;
        else if (!UNRESERVED.test(challenge)) reason = 'code_challenge must be base64url without padding';
        if (reason && !ctx.lenient) return authorizationError(koa, ctx.provider(), challengeError(reason));
        if (method === 'plain') {
          const query = new URLSearchParams(koa.querystring);
          query.set('code_challenge', createHash('sha256').update(challenge).digest('base64url'));
          query.set('code_challenge_method', 'S256');
          koa.querystring = query.toString();
        }
      }
      if (koa.path === ctx.routes.token && koa.method === 'POST' && policy.verifierLengthError && !ctx.lenient) {
        return checkVerifierLength(koa, next, policy.verifierLengthError);
      }
      return next();
    },
  };

  async function checkVerifierLength(
    koa: KoaContextWithOIDC,
    next: () => Promise<void>,
    error: NonNullable<PkcePolicy['verifierLengthError']>,
  ): Promise<void> {
    const verifier = (await peekFormBody(koa)).get('code_verifier');
    if (verifier !== null && (verifier.length < min || verifier.length > max)) {
      koa.status = 400;
      koa.body = error;
      return;
    }
    return next();
  }
}
