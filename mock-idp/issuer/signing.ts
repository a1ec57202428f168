import { importJWK, type JWTPayload, SignJWT } from 'jose';
import type { SignOptions } from '../kernel/plugin-types.js';
import type { SigningKey } from '../keys/key-set.js';

/**
 * Signs what quirks mint themselves (Okta's JWT access tokens, Auth0's logout
 * tokens) with the issuer's current keys; imported keys are kept by kid, since
 * the key list changes under rotation.
 */
export class Signer {
  readonly #imported = new Map<string, Promise<CryptoKey>>();

  constructor(
    private readonly issuerName: string,
    private readonly keys: () => readonly SigningKey[],
  ) {}

  /** Signs with the issuer's first key of the algorithm: the same key oidc-provider signs with. */
  async sign(payload: JWTPayload, options: SignOptions = {}): Promise<string> {
    const keys = this.keys();
    const alg = options.alg ?? (keys.some((k) => k.alg === 'RS256') ? 'RS256' : keys[0]!.alg);
    const jwk = keys.find((k) => k.alg === alg);
    if (!jwk) throw new Error(`issuer ${this.issuerName} has no ${alg} key`);
    let key = this.#imported.get(jwk.kid);
    if (!key) {
      key = importJWK(jwk, alg) as Promise<CryptoKey>;
      this.#imported.set(jwk.kid, key);
    }
    const x5t = options.x5t && typeof jwk.x5t === 'string' ? { x5t: jwk.x5t } : {};
    const header = { alg, kid: jwk.kid, ...(options.typ ? { typ: options.typ } : {}), ...x5t };
    return new SignJWT(payload).setProtectedHeader(header).sign(await key);
  }
}
