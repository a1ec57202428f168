import { decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Quirk, QuirkContext } from '../kernel/plugin-types.js';
import { reshapeResponse } from './reshape-response.js';
import { tokenHash } from './token-hash.js';

export interface IdTokenEdit {
  payload: JWTPayload;
  /** The JOSE typ header to keep; undefined drops it. */
  typ?: string | undefined;
}

/**
 * Re-signs the ID token of a token response with the issuer's own key after
 * `edit` changed its claims: the way to add provider claims (Okta's ver and
 * jti, GitLab's sub_legacy) that oidc-provider does not emit. at_hash follows
 * the access token actually returned.
 */
export function editIdToken(options: {
  name: string;
  description: string;
  edit(token: IdTokenEdit, koa: KoaContextWithOIDC, ctx: QuirkContext): void | Promise<void>;
  /** Told of each ID token as issued and as oidc-provider made it, for a profile that must know it again. */
  resigned?(issued: string, original: string, ctx: QuirkContext): void;
}): Quirk {
  return reshapeResponse({
    name: options.name,
    description: options.description,
    routes: ['token'],
    when: 'success',
    async reshape(body, koa, ctx) {
      if (typeof body.id_token !== 'string') return;
      const original = body.id_token;
      body.id_token = await resignIdToken(original, body.access_token, ctx, (token) => options.edit(token, koa, ctx));
      options.resigned?.(body.id_token as string, original, ctx);
    },
  });
}

export async function resignIdToken(
  idToken: string,
  accessToken: unknown,
  ctx: QuirkContext,
  edit: (token: IdTokenEdit) => void | Promise<void> = () => {},
): Promise<string> {
  const header = decodeProtectedHeader(idToken);
  const token: IdTokenEdit = { payload: { ...decodeJwt(idToken) }, typ: header.typ };
  await edit(token);
  const alg = header.alg ?? 'RS256';
  if (typeof accessToken === 'string' && token.payload.at_hash !== undefined)
    token.payload.at_hash = tokenHash(accessToken, alg);
  return ctx.sign(token.payload, { alg, ...(token.typ ? { typ: token.typ } : {}) });
}
