import auth0 from './auth0/profile.js';
import generic from './generic/profile.js';
import gitlab from './gitlab/profile.js';
import okta from './okta/profile.js';
import stackexchange from './stackexchange/profile.js';
import stitch from './stitch/profile.js';
import type { Profile } from '../kernel/plugin-types.js';

export type { Profile, Quirk, ProfileContext, QuirkContext, Middleware, SignOptions } from '../kernel/plugin-types.js';
export { defineProfile } from '../kernel/plugin-types.js';

/** Every built-in profile, in banner order. Adding a provider means adding its file here. */
export const builtinProfiles: readonly Profile[] = [stitch, okta, gitlab, stackexchange, auth0, generic];

/** The built-in profiles' names, which are also their issuers' names when no issuers are configured. */
export type BuiltinProfileName = 'stitch' | 'okta' | 'gitlab' | 'stackexchange' | 'auth0' | 'generic';

export function findProfile(name: string): Profile | undefined {
  return builtinProfiles.find((p) => p.name === name);
}

export function profileNames(): string[] {
  return builtinProfiles.map((p) => p.name);
}
