import type { ClientMetadata } from 'oidc-provider';

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/**
 * Client fields oidc-provider dropped as unrecognized: a typo such as
 * `redirect_uri` would otherwise leave a client without the field the person
 * meant to set, and fail much later with a puzzling error. `kept` is what
 * oidc-provider made of the client (Client#metadata()), which holds every
 * recognized field and every extra field the profile declares.
 */
export function unknownClientFields(given: ClientMetadata, kept: Record<string, unknown>): string[] {
  const known = Object.keys(kept);
  return Object.keys(given)
    .filter((key) => given[key] !== undefined && !(key in kept))
    .map((key) => {
      const near = known.filter((k) => distance(k, key) <= 2).sort((a, b) => distance(a, key) - distance(b, key))[0];
      return near ? `"${key}" (did you mean "${near}"?)` : `"${key}"`;
    });
}
