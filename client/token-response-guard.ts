import { TokenResponseError } from './errors.js';
import { type BufferedResponse, bodyText, htmlSummary, looksLikeHtml } from './http.js';

const TOKEN_FIELDS = ['access_token', 'refresh_token', 'id_token'] as const;

/**
 * Checks a token endpoint answer before openid-client parses it, and takes
 * the ID token out of it. openid-client validates ID tokens with its own,
 * laxer defaults (no signature check for the token endpoint, a fixed 30 s
 * tolerance, any iat); removed here, the ID token is validated by our rules
 * only, and `capture.idToken` hands it over.
 */
export function tokenResponseGuard(capture: { idToken?: string }, maxTokenLength: number) {
  return (response: BufferedResponse): BufferedResponse => {
    if (looksLikeHtml(response)) {
      throw new TokenResponseError(
        'token_response_html',
        `the token endpoint answered an HTML page (${htmlSummary(response)})`,
        { status: response.status },
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(bodyText(response));
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
    const body = json as Record<string, unknown>;
    if (response.status === 200) {
      for (const field of TOKEN_FIELDS) {
        const value = body[field];
        if (value !== undefined && typeof value !== 'string') {
          throw new TokenResponseError('token_response_invalid', `${field} in the token response is not a string`, {
            status: response.status,
          });
        }
        if (typeof value === 'string' && value.length > maxTokenLength) {
          throw new TokenResponseError(
            'token_too_large',
            `${field} is ${value.length} characters; the limit is ${maxTokenLength}`,
            { status: response.status },
          );
        }
      }
      if (typeof body.id_token === 'string') capture.idToken = body.id_token;
      delete body.id_token;
    }
    // A JSON body sent as text/plain is still JSON; openid-client would refuse it on the label alone.
    const headers = new Headers(response.headers);
    headers.set('content-type', 'application/json');
    return { ...response, headers, body: new TextEncoder().encode(JSON.stringify(body)) };
  };
}
