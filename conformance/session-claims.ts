import type { ClientOutcome } from './types.js';

/**
 * A claim of the client's session as its outcome shows it: at the top of its claims, or under `claims`, where a
 * who-am-I page may wrap them (the example app's /me). Only a string counts.
 */
export function sessionClaim(outcome: ClientOutcome | undefined, name: string): string | undefined {
  const claims = outcome?.ok ? outcome.claims : undefined;
  const nested = claims?.claims as Record<string, unknown> | undefined;
  return [claims?.[name], nested?.[name]].find((v): v is string => typeof v === 'string');
}
