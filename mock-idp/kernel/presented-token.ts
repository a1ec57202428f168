import type Provider from 'oidc-provider';
import type { TokenFacade } from './token-facade.js';

/** The token an Authorization header carries, under any scheme but Basic (whose credentials are a client's). */
export function authorizationToken(header: string | undefined): string | undefined {
  const match = /^(\S+)\s+(\S+)$/.exec(header ?? '');
  return match && match[1]!.toLowerCase() !== 'basic' ? match[2] : undefined;
}

/**
 * The access token a presented value stands for (a user's, or a client_credentials one), as the issuer stored it,
 * and its opaque form: a profile may hand out another form (Okta's JWTs), which the token facade maps back.
 */
export async function findAccessToken(
  provider: Provider,
  tokens: TokenFacade,
  presented: string,
  options: { ignoreExpiration?: boolean } = {},
) {
  const opaque = tokens.resolve(presented);
  const stored =
    (await provider.AccessToken.find(opaque, options).catch(() => undefined)) ??
    (await provider.ClientCredentials.find(opaque, options).catch(() => undefined));
  return stored ? { opaque, stored } : undefined;
}
