/** OIDC Core 5.4: the claims each standard scope releases. */
export const STANDARD_SCOPE_CLAIMS: Readonly<Record<string, readonly string[]>> = {
  openid: ['sub'],
  profile: [
    'name',
    'family_name',
    'given_name',
    'middle_name',
    'nickname',
    'preferred_username',
    'profile',
    'picture',
    'website',
    'gender',
    'birthdate',
    'zoneinfo',
    'locale',
    'updated_at',
  ],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
};

const STANDARD = new Set(Object.values(STANDARD_SCOPE_CLAIMS).flat());

/**
 * The scope-to-claims map for one issuer. Claims outside the standard set (groups,
 * roles, namespaced claims...) ride with `openid`, so a user's custom claims are
 * released the same way in the ID token, JWT access tokens and userinfo.
 */
export function claimsConfig(
  profileClaims: Readonly<Record<string, readonly string[]>> | undefined,
  userClaimNames: Iterable<string>,
): Record<string, string[]> {
  const merged: Record<string, string[]> = {};
  for (const [scope, names] of Object.entries({ ...STANDARD_SCOPE_CLAIMS, ...profileClaims }))
    merged[scope] = [...names];
  const mapped = new Set(Object.values(merged).flat());
  const custom = [...userClaimNames].filter((name) => !STANDARD.has(name) && !mapped.has(name));
  merged.openid = [...new Set([...(merged.openid ?? []), 'sub', ...custom])];
  return merged;
}

/** The claims of `all` that `scope` releases under `map`. */
export function claimsForScope(
  all: Record<string, unknown>,
  scope: string,
  map: Record<string, string[]>,
): Record<string, unknown> {
  const names = new Set(scope.split(' ').flatMap((s) => map[s] ?? []));
  return Object.fromEntries(Object.entries(all).filter(([name]) => names.has(name)));
}

/** A user's claims as released: the stored ones, plus the username under the profile's claim name unless set. */
export function accountClaims(
  user: { username?: string | undefined; claims: Record<string, unknown> },
  usernameClaim: string | undefined,
): Record<string, unknown> {
  if (!usernameClaim || user.username === undefined || user.claims[usernameClaim] !== undefined) return user.claims;
  return { [usernameClaim]: user.username, ...user.claims };
}
