import { TokenEndpointError, TokenResponseError } from './errors.js';
import { type BufferedResponse, bodyText, contentType, htmlSummary, looksLikeHtml } from './http.js';
import type { TokenClient } from './token-exchange.js';
import type { Tokens } from './tokens.js';

function parseBody(response: BufferedResponse): Record<string, string> {
  if (looksLikeHtml(response)) {
    throw new TokenResponseError(
      'token_response_html',
      `the token endpoint answered an HTML page (${htmlSummary(response)})`,
      { status: response.status },
    );
  }
  const text = bodyText(response);
  if (contentType(response).includes('json')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new TokenResponseError(
        'token_response_not_json',
        `the token endpoint answer (HTTP ${response.status}) is not JSON`,
        { cause, status: response.status },
      );
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) {
      throw new TokenResponseError(
        'token_response_not_json',
        `the token endpoint answer (HTTP ${response.status}) is not a JSON object`,
        { status: response.status },
      );
    }
    return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, String(v)]));
  }
  const form = new URLSearchParams(text);
  if (!form.has('access_token') && !form.has('error')) {
    throw new TokenResponseError(
      'token_response_invalid',
      `the token endpoint answer (HTTP ${response.status}) is neither a form nor JSON`,
      { status: response.status },
    );
  }
  return Object.fromEntries(form);
}

/**
 * The authorization code exchange of pre-standard OAuth 2 providers (Stack
 * Exchange): a form with client credentials, code and redirect_uri but no
 * grant_type, answered form-encoded (`access_token=...&expires=86400`) or as
 * JSON. openid-client always sends grant_type and wants JSON, so this one
 * request is made by hand.
 */
export async function exchangeCodeWithoutGrantType(
  client: TokenClient,
  exchange: { code: string; redirectUri: string; codeVerifier?: string | undefined },
): Promise<Tokens> {
  const body = new URLSearchParams();
  const headers = new Headers({
    'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
    accept: 'application/x-www-form-urlencoded, application/json;q=0.9',
  });
  // The configured authentication fills in client_id (and client_secret for client_secret_post).
  await client.clientAuth(
    client.metadata,
    { client_id: client.clientId } as Parameters<typeof client.clientAuth>[1],
    body,
    headers,
  );
  body.set('code', exchange.code);
  body.set('redirect_uri', exchange.redirectUri);
  if (exchange.codeVerifier) body.set('code_verifier', exchange.codeVerifier);
  const endpoint = client.metadata.token_endpoint!;
  const response = await client.http.request(endpoint, { method: 'POST', headers, body });
  const fields = parseBody(response);
  if (response.status !== 200 || fields.error !== undefined) {
    throw new TokenEndpointError('token_endpoint_error', {
      error: fields.error ?? 'server_error',
      errorDescription: fields.error_description,
      status: response.status,
    });
  }
  const accessToken = fields.access_token;
  if (!accessToken)
    throw new TokenResponseError('token_response_invalid', 'the token response has no access_token', {
      status: response.status,
    });
  if (accessToken.length > client.maxTokenLength) {
    throw new TokenResponseError(
      'token_too_large',
      `access_token is ${accessToken.length} characters; the limit is ${client.maxTokenLength}`,
    );
  }
  const expires = fields.expires ?? fields.expires_in;
  const lifetime = expires !== undefined && /^\d+$/.test(expires) ? Number(expires) : undefined;
  return {
    accessToken,
    tokenType: fields.token_type?.toLowerCase(),
    expiresAt: lifetime === undefined ? undefined : client.nowSeconds() + lifetime,
    refreshToken: fields.refresh_token,
    idToken: undefined,
    scope: fields.scope,
  };
}
