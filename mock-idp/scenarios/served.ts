import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { maskParams, maskSecret, SECRET_PARAMS } from '../log/mask.js';

import type { ServedFault } from '../log/request-log.js';

const LONG = 160;

function cut(value: unknown): unknown {
  if (typeof value === 'string')
    return value.length > LONG ? `${value.slice(0, 40)}…(${value.length} characters)` : value;
  if (Array.isArray(value)) return value.slice(0, 10).map(cut);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .slice(0, 40)
        .map(([k, v]) => [k, cut(v)]),
    );
  return value;
}

function decoded(jwt: string): ServedFault['token'] {
  try {
    return {
      header: cut(decodeProtectedHeader(jwt)) as Record<string, unknown>,
      claims: cut(decodeJwt(jwt)) as Record<string, unknown>,
    };
  } catch {
    return { header: {}, claims: { unreadable: cut(jwt) } };
  }
}

function masked(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name,
      typeof value === 'string' && SECRET_PARAMS.has(name) ? maskSecret(value) : cut(value),
    ]),
  );
}

/** The faulted part of a response, read after the faults were applied. */
export function servedFault(target: string, koa: KoaContextWithOIDC): ServedFault {
  const body = koa.body as unknown;
  if (
    target === 'id_token' &&
    body &&
    typeof body === 'object' &&
    typeof (body as { id_token?: unknown }).id_token === 'string'
  ) {
    return { target, token: decoded((body as { id_token: string }).id_token) };
  }
  if (target === 'authorization_response' || target === 'post_logout_redirect') {
    const location = koa.response.get('location');
    return { target, values: location ? maskParams(Object.fromEntries(new URL(location, koa.href).searchParams)) : {} };
  }
  if (target === 'userinfo' && typeof body === 'string') return { target, token: decoded(body) };
  if (body && typeof body === 'object' && !Buffer.isBuffer(body)) {
    if (target === 'jwks')
      return {
        target,
        values: {
          keys: ((body as { keys?: Record<string, unknown>[] }).keys ?? []).map((k) => ({
            kty: k.kty,
            kid: k.kid,
            alg: k.alg,
            use: k.use,
          })),
        },
      };
    return { target, values: masked(body as Record<string, unknown>) };
  }
  return {
    target,
    values: { status: koa.status, type: koa.type, body: typeof body === 'string' ? cut(body) : undefined },
  };
}
