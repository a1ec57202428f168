import type { KoaContextWithOIDC, Provider } from 'oidc-provider';

export interface ErrorBody {
  error: string;
  error_description?: string;
}

/**
 * Sends an authorization-endpoint error the way RFC 6749 4.1.2.1 says: to the
 * registered redirect_uri with state (and RFC 9207 iss), or as a 400 when the
 * client or redirect_uri cannot be trusted with it.
 */
export async function authorizationError(koa: KoaContextWithOIDC, provider: Provider, error: ErrorBody): Promise<void> {
  const clientId = String(koa.query.client_id ?? '');
  const redirectUri = String(koa.query.redirect_uri ?? '');
  const client = clientId ? await provider.Client.find(clientId).catch(() => undefined) : undefined;
  if (!client || !redirectUri || !client.redirectUriAllowed(redirectUri)) {
    koa.status = 400;
    koa.body = error;
    return;
  }
  const target = new URL(redirectUri);
  target.searchParams.set('error', error.error);
  if (error.error_description) target.searchParams.set('error_description', error.error_description);
  if (koa.query.state !== undefined) target.searchParams.set('state', String(koa.query.state));
  target.searchParams.set('iss', provider.issuer);
  koa.status = 303;
  koa.redirect(target.href);
}
