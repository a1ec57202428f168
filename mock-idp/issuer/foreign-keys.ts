import { recordOf } from '../kernel/evidence.js';
import type { Middleware } from '../kernel/plugin-types.js';
import { committedCertificates } from '../keys/certificates.js';
import { FOREIGN_CERT_FILE, FOREIGN_JWKS_FILE, foreignHostname, foreignKeysPath } from '../scenarios/foreign-host.js';
import { attackerPublicJwk } from '../scenarios/id-token.js';

/** The committed self-signed certificate of the attacker's RSA key, by its kid. */
function attackerCertificate(): string {
  const pem = committedCertificates('attacker')[attackerPublicJwk.kid ?? ''];
  if (!pem) throw new Error(`no certificate for the attacker's key ${attackerPublicJwk.kid}`);
  return pem;
}

const FILES = new Map<string, { type: string; body: () => unknown }>([
  [FOREIGN_JWKS_FILE, { type: 'application/json', body: () => ({ keys: [attackerPublicJwk] }) }],
  [FOREIGN_CERT_FILE, { type: 'application/pem-certificate-chain', body: attackerCertificate }],
]);

/** The client_id segment of `<base>/<client_id>/<file>`, decoded, or undefined for any other path. */
function clientSegment(path: string, base: string): { clientId: string; file: string } | undefined {
  if (!path.startsWith(base)) return undefined;
  const [segment, file, ...rest] = path.slice(base.length).split('/');
  if (!segment || !file || rest.length > 0) return undefined;
  try {
    return { clientId: decodeURIComponent(segment), file };
  } catch {
    return undefined;
  }
}

/**
 * The attacker's side of the jku and x5u scenarios: its key set and certificate, answered only under the other name
 * of the issuer's host (scenarios/foreign-host.ts), so that the issuer itself never publishes the attacker's key. The
 * request is logged as route `foreign_keys`, under the client_id its path names: a client that asked for it followed
 * a URL a token's header named. Nothing where the host has no other name, since no URL points here then.
 */
export function foreignKeys(issuer: string, mountPath: string): Middleware | undefined {
  const foreignHost = foreignHostname(issuer);
  if (foreignHost === undefined) return undefined;
  // Paths inside the issuer's app are the mount's: a profile's issuer may go on past it (Entra's /v2.0).
  const base = `${foreignKeysPath(issuer).slice(mountPath.length)}/`;
  return (ctx, next) => {
    const named = clientSegment(ctx.path, base);
    const file = named && FILES.get(named.file);
    if (
      !named ||
      !file ||
      ctx.hostname.toLowerCase() !== foreignHost ||
      (ctx.method !== 'GET' && ctx.method !== 'HEAD')
    )
      return next();
    const record = recordOf(ctx.req);
    if (record) {
      record.route = 'foreign_keys';
      record.clientId = named.clientId;
    }
    try {
      // In this order: Koa types an object body as JSON when it is set.
      ctx.body = file.body();
      ctx.type = file.type;
    } catch {
      // Only a package without its fixtures gets here.
      ctx.status = 500;
      ctx.body = { error: 'server_error', error_description: "the attacker's certificate is missing from fixtures/" };
    }
    return Promise.resolve();
  };
}
