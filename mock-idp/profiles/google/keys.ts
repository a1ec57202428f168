import { importX509 } from 'jose';
import { recordOf } from '../../kernel/evidence.js';
import type { Quirk } from '../../kernel/plugin-types.js';
import { committedCertificates } from '../../keys/certificates.js';

/** Where google-auth-library in Node reads Google's keys: a map of kid to an X.509 PEM certificate. */
export const V1_CERTS_PATH = '/oauth2/v1/certs';

/**
 * Google's key endpoints answer `Cache-Control: public, max-age=N, must-revalidate, no-transform`
 * with N counting down to the next rotation (a few hours). The fixture keys never rotate; a fixed
 * six hours keeps the value in Google's range, and google-auth-library caches for exactly that long.
 */
export const KEYS_CACHE_CONTROL = 'public, max-age=21600, must-revalidate, no-transform';

/** The committed certificates of the google key set (fixtures/keys/x509/google.json), by kid. */
export function googleCertificates(): Readonly<Record<string, string>> {
  return committedCertificates('google');
}

const imported = new Map<string, Promise<CryptoKey>>();

/** The public key of a certificate, for checking tokens the way a client holding only the PEM map would. */
export function certificateKey(kid: string): Promise<CryptoKey> | undefined {
  const pem = googleCertificates()[kid];
  if (!pem) return undefined;
  let key = imported.get(kid);
  if (!key) {
    key = importX509(pem, 'RS256');
    imported.set(kid, key);
  }
  return key;
}

/**
 * GET /oauth2/v1/certs: the fixture key set's certificates, made once with openssl and
 * committed. Keys the admin API rotates in, or an issuer configured with another key set,
 * have no certificate: they appear in the v3 JWKS only, and a client reading the PEM map
 * (google-auth-library in Node) fails on them with "No pem found for envelope".
 */
export function googleV1Certs(): Quirk {
  return {
    name: 'google-v1-certs',
    description: 'GET /oauth2/v1/certs: { kid: PEM certificate } with Cache-Control max-age',
    middleware: () => async (koa, next) => {
      if (koa.path !== V1_CERTS_PATH) return next();
      const record = recordOf(koa.req);
      // The issuer's keys in another form than its JWKS: whoever reads the log (the conformance kit) sees a client
      // that fetches keys, and that JWKS faults and rotated keys, served in the JWKS only, never reach it.
      if (record) record.route = 'certs';
      if (koa.method !== 'GET' && koa.method !== 'HEAD') {
        koa.status = 405;
        koa.set('allow', 'GET, HEAD');
        koa.body = { error: { code: 405, message: 'Method Not Allowed', status: 'UNAVAILABLE' } };
        return;
      }
      koa.status = 200;
      koa.body = { ...googleCertificates() };
      koa.set('cache-control', KEYS_CACHE_CONTROL);
      // Google answers application/json; gaxios reads only that (and not jwk-set+json) as JSON.
      koa.type = 'application/json';
    },
  };
}

/** The v3 JWKS carries the same Cache-Control as the certificates, and Google's application/json. */
export function googleJwksCacheControl(): Quirk {
  return {
    name: 'google-jwks-cache-control',
    description: `JWKS carries Cache-Control: ${KEYS_CACHE_CONTROL}`,
    middleware: (ctx) => async (koa, next) => {
      await next();
      if (koa.path !== ctx.routes.jwks || koa.status !== 200) return;
      koa.set('cache-control', KEYS_CACHE_CONTROL);
      koa.type = 'application/json';
    },
  };
}
