import type { EventEmitter } from 'node:events';
import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import { recordOf } from '../kernel/evidence.js';
import type { Logger } from '../log/logger.js';
import { type ErrorHelpContext, helpFor, requestParams } from './error-help.js';
import { EVICTED_NOTE } from './store.js';

const ERROR_EVENTS = [
  'grant.error',
  'introspection.error',
  'revocation.error',
  'userinfo.error',
  'device_authorization.error',
  'pushed_authorization_request.error',
  'registration_create.error',
  'registration_read.error',
  'end_session.error',
  'check_session.error',
  'jwks.error',
  'discovery.error',
  'authorization.error',
] as const;

interface ProviderError extends Error {
  error?: string;
  error_description?: string;
  error_detail?: string;
}

/**
 * oidc-provider keeps the precise reason for a rejection (expired assertion,
 * replayed jti, verifier mismatch) in error_detail and answers a generic
 * description. A test double should say why, so the detail is appended to the
 * JSON error_description and noted in the request log.
 */
export function explainErrors(provider: Provider, logger: Logger, errorHelp?: ErrorHelpContext): void {
  // The event names are typed one overload each; a plain emitter view keeps this a loop.
  const events = provider as unknown as EventEmitter;
  for (const event of ERROR_EVENTS) {
    events.on(event, (ctx: KoaContextWithOIDC, err: ProviderError) => {
      const record = recordOf(ctx.req);
      // A credential the full store pushed out fails like a revoked one; the answer says which it was.
      const evicted = record?.notes?.find((n) => n.startsWith(`${EVICTED_NOTE}:`));
      const detail = evicted ?? err.error_detail;
      // What to do about it (the registered redirect URIs, the known clients): in the description, still one string.
      const help = errorHelp && helpFor(errorHelp, err, requestParams(ctx))?.text;
      if (!detail && !help) return;
      const notes = [evicted ? undefined : detail, help].filter((note): note is string => Boolean(note));
      if (record) record.notes = [...(record.notes ?? []), ...notes.map((note) => `${err.error ?? 'error'}: ${note}`)];
      const body = ctx.body as { error?: string; error_description?: string } | undefined;
      if (!body || typeof body !== 'object' || Buffer.isBuffer(body) || typeof body.error !== 'string') return;
      if (detail && !body.error_description?.includes(detail)) {
        body.error_description = body.error_description ? `${body.error_description} (${detail})` : detail;
      }
      if (help && !body.error_description?.includes(help)) {
        body.error_description = body.error_description ? `${body.error_description}. ${help}` : help;
      }
    });
  }
  // A relying party that fails to accept a logout token is worth a warning: it is the client under test.
  events.on('backchannel.error', (_ctx: KoaContextWithOIDC, err: Error, client: { clientId: string }) => {
    logger.warn({ err, client_id: client.clientId, issuer: provider.issuer }, 'back-channel logout delivery failed');
  });
  events.on('server_error', (ctx: KoaContextWithOIDC, err: Error) => {
    logger.error({ err, path: ctx.path, issuer: provider.issuer }, 'oidc-provider server_error');
  });
}
