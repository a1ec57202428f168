import { defineCases } from '../types.js';
import { forwardedLoginHint, neverToForeignTarget, noLoginAtForeignIssuer } from './evidence.js';

/**
 * Logins a third party starts at the client's login initiation endpoint (OIDC Core 4; Okta's and Auth0's
 * initiate_login_uri): run only on a client that declares one, since the endpoint is optional.
 */
export default defineCases(
  {
    id: 'third-party-login',
    aliases: ['rp-3rd_party-init-login'],
    title: 'Starts a login at the issuer a third party names (iss), and completes it',
    area: 'third-party-login',
    refs: ['OIDC Registration 2 (initiate_login_uri)', 'OIDC Core 4'],
    level: 'MUST',
    requires: ['third-party-login'],
    thirdPartyLogin: {},
    expect: 'accept',
  },
  {
    id: 'third-party-login-post',
    aliases: [],
    title: "Starts a login from a third party's auto-submitted form (POST), as from a link",
    area: 'third-party-login',
    refs: ['OIDC Registration 2 (initiate_login_uri)', 'OIDC Core 4 (POST)'],
    level: 'MUST',
    // Only a web app has an endpoint for the method to reach: in process, a POST's parameters are a GET's.
    requires: ['third-party-login', 'web'],
    // An endpoint that starts no login at all is third-party-login's one miss.
    premises: ['starts-third-party-logins'],
    thirdPartyLogin: { method: 'POST' },
    expect: 'accept',
  },
  {
    id: 'third-party-login-hint',
    aliases: [],
    title: "Passes a third party's login_hint on in its authorization request",
    area: 'third-party-login',
    refs: ['OIDC Core 4 (login_hint)'],
    level: 'MUST',
    requires: ['third-party-login'],
    // Refusing a request for its hint is this case's miss; an endpoint that starts no login at all is another's.
    premises: ['starts-third-party-logins'],
    thirdPartyLogin: { loginHint: true },
    expect: 'accept',
    evidence: forwardedLoginHint,
  },
  {
    id: 'third-party-login-target-link-foreign',
    aliases: [],
    title: "Does not send the browser to a third party's foreign target_link_uri after the login",
    area: 'third-party-login',
    refs: ['OIDC Core 4 (target_link_uri)', 'RFC 9700 4.11.1'],
    level: 'MUST',
    requires: ['third-party-login'],
    premises: ['starts-third-party-logins'],
    thirdPartyLogin: { targetLinkUri: 'https://attacker.example/landing' },
    // Logging in and ignoring the target, or refusing the request for it, both verify it.
    expect: 'either',
    loginOptional: true,
    evidence: neverToForeignTarget,
  },
  {
    id: 'third-party-login-iss-foreign',
    aliases: [],
    title: 'Starts no login at an issuer it was not set up for when a third party names one',
    area: 'third-party-login',
    // No sentence forbids it outright: the mix-up MUST applies once a client talks to a second server.
    refs: ['RFC 9700 4.4', 'OIDC Core 4'],
    level: 'SHOULD',
    requires: ['third-party-login'],
    premises: ['starts-third-party-logins'],
    thirdPartyLogin: { iss: 'foreign' },
    // Refusing the request and logging in at its own issuer instead are both safe.
    expect: 'either',
    loginOptional: true,
    evidence: noLoginAtForeignIssuer,
  },
);
