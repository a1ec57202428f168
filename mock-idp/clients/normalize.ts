import { calculateJwkThumbprint, exportJWK, importPKCS8, importSPKI, importX509, type JWK } from 'jose';
import type { ClientMetadata } from 'oidc-provider';
import type { ClientConfig } from '../config/schema.js';
import { publicJwk } from '../keys/key-set.js';

const PEM_BLOCK = /-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----/g;

/**
 * Reads a PEM as exported from a PKCS#12 bundle: it may hold "Bag Attributes"
 * lines, a certificate and a private key. Only the public half is kept.
 */
export async function jwkFromPem(pem: string, alg = 'RS256'): Promise<JWK> {
  const blocks = [...pem.matchAll(PEM_BLOCK)].map((m) => ({ type: m[1]!, text: m[0] }));
  const cert = blocks.find((b) => b.type === 'CERTIFICATE');
  const spki = blocks.find((b) => b.type === 'PUBLIC KEY');
  const pkcs8 = blocks.find((b) => b.type === 'PRIVATE KEY');
  let key;
  if (cert) key = await importX509(cert.text, alg, { extractable: true });
  else if (spki) key = await importSPKI(spki.text, alg, { extractable: true });
  else if (pkcs8) key = await importPKCS8(pkcs8.text, alg, { extractable: true });
  else throw new Error('no CERTIFICATE, PUBLIC KEY or PRIVATE KEY block found in the PEM');
  const jwk = publicJwk(await exportJWK(key));
  return { ...jwk, kid: localKeyId(pem) ?? (await calculateJwkThumbprint(jwk)), alg, use: 'sig' };
}

/**
 * A PKCS#12 export names its key with "localKeyID: 0D 5E ..."; Stitch's samples
 * send that, as uppercase hex without spaces, as the assertion kid.
 */
function localKeyId(pem: string): string | undefined {
  const match = /localKeyID:\s*([0-9A-Fa-f]{2}(?:\s+[0-9A-Fa-f]{2})*)/.exec(pem);
  return match ? match[1]!.replace(/\s+/g, '').toUpperCase() : undefined;
}

/** Turns a client from config into oidc-provider client metadata. */
export async function toClientMetadata(client: ClientConfig): Promise<ClientMetadata> {
  const { public_key_pem: pem, jwks, ...rest } = client;
  const metadata: ClientMetadata = { ...rest } as ClientMetadata;
  const keys: JWK[] = jwks ? (jwks.keys as JWK[]).map(publicJwk) : [];
  if (pem) {
    const alg =
      typeof client.token_endpoint_auth_signing_alg === 'string' ? client.token_endpoint_auth_signing_alg : 'RS256';
    keys.push(await jwkFromPem(pem, alg));
  }
  if (keys.length) metadata.jwks = { keys } as ClientMetadata['jwks'];
  if (!metadata.grant_types) {
    const interactive = client.redirect_uris.length > 0;
    metadata.grant_types = [
      ...(interactive ? ['authorization_code', 'refresh_token'] : []),
      ...(client.token_endpoint_auth_method !== 'none' ? ['client_credentials'] : []),
      'urn:ietf:params:oauth:grant-type:device_code',
    ];
  }
  if (!metadata.response_types) metadata.response_types = client.redirect_uris.length ? ['code'] : [];
  return metadata;
}
