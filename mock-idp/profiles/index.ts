// The built-in providers: a folder each under profiles/<name>/, and the one list of them below.

import type { Profile, ProviderDoc, RealHost } from '../kernel/plugin-types.js';
import apple from './apple/profile.js';
import auth0 from './auth0/profile.js';
import entra from './entra/profile.js';
import generic from './generic/profile.js';
import github from './github/profile.js';
import githubActions from './github-actions/profile.js';
import gitlab from './gitlab/profile.js';
import google from './google/profile.js';
import keycloak from './keycloak/profile.js';
import okta from './okta/profile.js';
import stackexchange from './stackexchange/profile.js';
import stitch from './stitch/profile.js';

export type {
  Middleware,
  Profile,
  ProfileContext,
  ProviderDoc,
  Quirk,
  QuirkContext,
  RealHost,
  SignOptions,
} from '../kernel/plugin-types.js';
export { defineProfile } from '../kernel/plugin-types.js';

/**
 * Every built-in profile, in banner order: THE list. Adding a provider means its
 * folder, its fixtures and one line here; the names, hosts and doc links below follow.
 */
export const builtinProfiles = [
  stitch,
  okta,
  gitlab,
  stackexchange,
  auth0,
  apple,
  google,
  github,
  githubActions,
  keycloak,
  entra,
  generic,
] as const satisfies readonly Profile[];

type BuiltinProfile = (typeof builtinProfiles)[number];

/** The built-in profiles' names, which are also their issuers' names when no issuers are configured. */
export type BuiltinProfileName = BuiltinProfile['name'];

/** The profiles a user logs in to: every built-in profile but the workload identity issuers. */
export type LoginProfileName = Exclude<BuiltinProfile, { login: false }>['name'];

/** The providers that live at a real host name (every built-in profile but generic). */
export type ProviderName = Extract<BuiltinProfile, { realHost: RealHost }>['name'];

/** Where each provider lives on the internet, with `{tenant}` filled in, in list order. */
export function providerHosts(tenant: string): Record<ProviderName, { host: string; aliases: string[]; path: string }> {
  const hosts: Partial<Record<ProviderName, { host: string; aliases: string[]; path: string }>> = {};
  for (const profile of builtinProfiles) {
    if (!('realHost' in profile)) continue;
    const { host, aliases, path } = profile.realHost;
    hosts[profile.name] = {
      host: host.replace('{tenant}', tenant),
      aliases: aliases.map((a) => a.replace('{tenant}', tenant)),
      path,
    };
  }
  return hosts as Record<ProviderName, { host: string; aliases: string[]; path: string }>;
}

/** Every provider's documentation pages that conformance cases cite. */
export function providerDocs(): ProviderDoc[] {
  return builtinProfiles.flatMap((p: Profile) => p.docs ?? []);
}

export function findProfile(name: string): Profile | undefined {
  return builtinProfiles.find((p: Profile) => p.name === name);
}

export function profileNames(): string[] {
  return builtinProfiles.map((p: Profile) => p.name);
}

/** The names of the profiles a user logs in to (what presets, scenario delivery and the kit cover), in list order. */
export function loginProfileNames(): LoginProfileName[] {
  return builtinProfiles.filter((p: Profile) => p.login !== false).map((p) => p.name as LoginProfileName);
}
