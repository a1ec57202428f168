import { readFileSync } from 'node:fs';
import { fixturePath } from '../paths.js';

const bySet = new Map<string, Readonly<Record<string, string>>>();

/**
 * The committed X.509 certificates of a fixed key set (fixtures/keys/x509/<set>.json), PEM by kid. Read on first use:
 * only the issuers and scenarios that serve certificates pay for it.
 */
export function committedCertificates(set: string): Readonly<Record<string, string>> {
  let certificates = bySet.get(set);
  if (!certificates) {
    certificates = JSON.parse(readFileSync(fixturePath('keys', 'x509', `${set}.json`), 'utf8')) as Record<
      string,
      string
    >;
    bySet.set(set, certificates);
  }
  return certificates;
}
