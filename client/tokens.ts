/** What the token endpoint gave us, normalised across providers. */
export interface Tokens {
  accessToken: string;
  /** Lowercase, as openid-client normalises it ("bearer"); Stack Exchange sends none. */
  tokenType: string | undefined;
  /** Epoch seconds, from expires_in (or Stack Exchange's `expires`). */
  expiresAt: number | undefined;
  refreshToken: string | undefined;
  idToken: string | undefined;
  scope: string | undefined;
}

export function tokensFromResponse(
  response: {
    access_token: string;
    token_type?: string | undefined;
    expires_in?: number | undefined;
    refresh_token?: string | undefined;
    scope?: string | undefined;
  },
  idToken: string | undefined,
  nowSeconds: number,
): Tokens {
  return {
    accessToken: response.access_token,
    tokenType: response.token_type,
    expiresAt: typeof response.expires_in === 'number' ? nowSeconds + response.expires_in : undefined,
    refreshToken: response.refresh_token,
    idToken,
    scope: response.scope,
  };
}
