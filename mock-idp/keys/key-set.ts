import { readFile } from 'node:fs/promises';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { fixturePath } from '../paths.js';

export type KeySource = { set: string } | { file: string } | { generate: readonly string[] };

export interface SigningKey extends JWK {
  kid: string;
  alg: string;
}

const PUBLIC_MEMBERS = ['kty', 'kid', 'alg', 'use', 'key_ops', 'crv', 'x', 'y', 'n', 'e', 'x5c', 'x5t', 'x5t#S256'];

/** Strips private members so a private JWK can be published or registered. */
export function publicJwk(jwk: JWK): JWK {
  return Object.fromEntries(Object.entries(jwk).filter(([k]) => PUBLIC_MEMBERS.includes(k))) as JWK;
}

async function readJwks(file: string, label: string): Promise<SigningKey[]> {
  let parsed: { keys?: JWK[] };
  try {
    parsed = JSON.parse(await readFile(file, 'utf8')) as { keys?: JWK[] };
  } catch (cause) {
    throw new Error(`cannot read key set ${label}: ${(cause as Error).message}`);
  }
  if (!Array.isArray(parsed.keys) || parsed.keys.length === 0) throw new Error(`key set ${label} has no keys`);
  return Promise.all(
    parsed.keys.map(async (key) => {
      if (!key.d) throw new Error(`key set ${label}: every key must be private (a signing key)`);
      return {
        ...key,
        kid: key.kid ?? (await calculateJwkThumbprint(key)),
        alg: key.alg ?? defaultAlg(key),
      } as SigningKey;
    }),
  );
}

function defaultAlg(key: JWK): string {
  if (key.kty === 'RSA') return 'RS256';
  if (key.kty === 'OKP') return 'EdDSA';
  return ({ 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' } as Record<string, string>)[key.crv ?? ''] ?? 'ES256';
}

export async function generateSigningKey(alg: string): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, modulusLength: 2048 });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg, use: 'sig' };
}

export async function loadKeys(source: KeySource): Promise<SigningKey[]> {
  if ('set' in source) return readJwks(fixturePath('keys', `${source.set}.json`), `"${source.set}"`);
  if ('file' in source) return readJwks(source.file, source.file);
  return Promise.all(source.generate.map(generateSigningKey));
}
