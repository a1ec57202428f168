import { RelyingPartyError, UserinfoError } from './errors.js';
import { bodyText, contentType, type Http } from './http.js';

export interface UserinfoRequest {
  http: Http;
  endpoint: string;
  accessToken: string;
  /** The ID token's sub; a userinfo answer about anyone else is refused (OIDC Core 5.3.2). */
  expectedSub: string | undefined;
  /** Verifies a signed userinfo JWT (signature, iss, aud) and returns its payload. */
  verifySigned: (jwt: string) => Promise<Record<string, unknown>>;
}

/** GET userinfo with the access token in the Authorization header, never in the URL or body. */
export async function fetchUserinfo(request: UserinfoRequest): Promise<Record<string, unknown>> {
  const response = await request.http.request(request.endpoint, {
    headers: { authorization: `Bearer ${request.accessToken}`, accept: 'application/json, application/jwt;q=0.9' },
  });
  if (response.status === 401 || response.status === 403) {
    const challenge = response.headers.get('www-authenticate');
    throw new UserinfoError(
      'userinfo_unauthorized',
      `userinfo refused the access token (HTTP ${response.status}${challenge ? `: ${challenge}` : ''})`,
      { status: response.status },
    );
  }
  if (response.status !== 200)
    throw new UserinfoError('userinfo_failed', `userinfo answered HTTP ${response.status}`, {
      status: response.status,
    });

  let claims: unknown;
  if (contentType(response) === 'application/jwt') {
    try {
      claims = await request.verifySigned(bodyText(response).trim());
    } catch (cause) {
      throw new UserinfoError(
        'userinfo_invalid_response',
        `the signed userinfo does not verify${cause instanceof RelyingPartyError ? `: ${cause.message}` : ''}`,
        { cause, status: 200 },
      );
    }
  } else {
    try {
      claims = JSON.parse(bodyText(response));
    } catch (cause) {
      throw new UserinfoError('userinfo_invalid_response', 'the userinfo answer is not JSON', { cause, status: 200 });
    }
  }
  if (!claims || typeof claims !== 'object' || Array.isArray(claims)) {
    throw new UserinfoError('userinfo_invalid_response', 'the userinfo answer is not a JSON object', { status: 200 });
  }
  const record = claims as Record<string, unknown>;
  if (typeof record.sub !== 'string' || record.sub.length === 0)
    throw new UserinfoError('userinfo_sub_missing', 'the userinfo answer has no sub');
  if (request.expectedSub !== undefined && record.sub !== request.expectedSub) {
    throw new UserinfoError(
      'userinfo_sub_mismatch',
      `userinfo describes ${record.sub}, but the ID token is about ${request.expectedSub}`,
    );
  }
  return record;
}
