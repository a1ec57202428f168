import { createPrivateKey } from 'node:crypto';
import type { JWK } from 'jose';
import { ClientCredentialError } from './errors.js';

const PRIVATE_KEY_BLOCK = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]+?-----END \1-----/;
const LOCAL_KEY_ID = /localKeyID:\s*((?:[0-9A-Fa-f]{2}\s*)+)/;

export interface PemPrivateKey {
  jwk: JWK;
  /** The PKCS#12 export's localKeyID (hex, uppercase, no spaces), the key id such providers register. */
  localKeyId: string | undefined;
}

/**
 * The private key in a PEM bundle as PKCS#12 tools export it: "Bag
 * Attributes" lines, a certificate and the key, in any order. Parsed with
 * node:crypto so PKCS#8, PKCS#1 (RSA) and SEC1 (EC) blocks all work.
 */
export function readPemPrivateKey(pem: string): PemPrivateKey {
  const match = PRIVATE_KEY_BLOCK.exec(pem);
  if (!match) throw new ClientCredentialError('client_key_invalid', 'the PEM holds no PRIVATE KEY block');
  if (match[1] === 'ENCRYPTED PRIVATE KEY') {
    throw new ClientCredentialError(
      'client_key_invalid',
      'the PEM private key is encrypted; export it without a passphrase',
    );
  }
  let jwk: JWK;
  try {
    jwk = createPrivateKey(match[0]).export({ format: 'jwk' }) as JWK;
  } catch (cause) {
    throw new ClientCredentialError('client_key_invalid', 'the PEM private key cannot be read', { cause });
  }
  return { jwk, localKeyId: localKeyIdFor(pem, match.index) };
}

/**
 * The localKeyID of the bag holding the key: the attributes right above the
 * key block, else the first in the file (cert and key share it in exports).
 */
function localKeyIdFor(pem: string, keyStart: number): string | undefined {
  const before = pem.slice(0, keyStart);
  const ownBag = before.slice(before.lastIndexOf('-----END') + 1);
  const found = LOCAL_KEY_ID.exec(ownBag) ?? LOCAL_KEY_ID.exec(pem);
  return found ? found[1]!.replace(/\s+/g, '').toUpperCase() : undefined;
}
