import { createHash } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';

/** Parameter names whose values are credentials and never stored in full. */
export const SECRET_PARAMS = new Set([
  'client_secret',
  'client_assertion',
  'code',
  'code_verifier',
  'refresh_token',
  'access_token',
  'token',
  'id_token_hint',
  'device_code',
  'user_code',
  'password',
  'assertion',
  'subject_token',
  'logout_token',
]);

/**
 * Keeps enough of a secret to tell two apart in a log, never enough to reuse it.
 * Long values carry a short hash fingerprint: JWTs of one issuer share their first
 * characters (the header) and often their length (Keycloak's refresh tokens), and a
 * fingerprint tells them apart without showing any more of the value itself.
 */
export function maskSecret(value: string): string {
  if (value.length <= 8) return `***(${value.length})`;
  if (value.length < 32) return `${value.slice(0, 4)}…(${value.length})`;
  return `${value.slice(0, 4)}…#${fingerprint(value)}(${value.length})`;
}

/** 32 bits of SHA-256: enough to tell a log's tokens apart, useless for finding one. */
function fingerprint(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 8);
}

export type Params = Record<string, string | string[]>;

export function maskParams(params: Record<string, unknown> | undefined): Params {
  const out: Params = {};
  if (!params) return out;
  for (const [name, raw] of Object.entries(params)) {
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? raw.map(String) : String(raw);
    out[name] = SECRET_PARAMS.has(name) ? (Array.isArray(value) ? value.map(maskSecret) : maskSecret(value)) : value;
  }
  return out;
}

export function maskHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    if (name === 'authorization') out[name] = maskAuthorization(value);
    else if (name === 'cookie')
      out[name] = value
        .split(';')
        .map((c) => `${c.split('=')[0]!.trim()}=***`)
        .join('; ');
    else if (name === 'dpop' || name === 'x-admin-token') out[name] = maskSecret(value);
    else out[name] = value;
  }
  return out;
}

/** The client_id of HTTP Basic client credentials, form-decoded as RFC 6749 2.3.1 requires. */
export function basicClientId(authorization: string | undefined): string | undefined {
  const match = /^basic\s+(\S+)/i.exec(authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return undefined;
  const raw = decoded.slice(0, colon);
  try {
    return decodeURIComponent(raw.replace(/\+/g, '%20'));
  } catch {
    return raw;
  }
}

/** Basic credentials keep the client_id in clear: it is evidence, the secret is not. */
function maskAuthorization(value: string): string {
  const [scheme = '', credentials = ''] = value.split(/\s+/, 2);
  if (scheme.toLowerCase() === 'basic') {
    const clientId = basicClientId(value);
    return clientId === undefined ? `Basic ${maskSecret(credentials)}` : `Basic ${clientId}:***`;
  }
  return `${scheme} ${maskSecret(credentials)}`;
}

export interface DecodedAssertion {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

/** A client assertion's claims are evidence (aud, jti, exp); its signature is the secret part. */
export function decodeAssertion(assertion: unknown): DecodedAssertion | undefined {
  if (typeof assertion !== 'string') return undefined;
  try {
    return {
      header: decodeProtectedHeader(assertion) as Record<string, unknown>,
      payload: decodeJwt(assertion) as Record<string, unknown>,
    };
  } catch {
    return undefined;
  }
}
