import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import {
  type CaseContext,
  type ClientAdapter,
  type ConformanceReport,
  runConformance,
} from '../../conformance/index.js';
import { fastReferenceClient } from '../../fixtures/clients/flawed/flawed-client.js';
import { useIdp } from '../helpers/idp.js';
import { codeFlow, discover } from '../helpers/login.js';

const idp = useIdp({ profiles: ['generic', 'gitlab'] });

const RP_LOGOUT = ['rp-logout', 'rp-logout-id-token-hint'];

const verdicts = (report: ConformanceReport) =>
  Object.fromEntries(report.results.map((r) => [r.id, `${r.verdict}: ${r.reason}`]));

const run = (adapter: ClientAdapter, issuer = 'generic') =>
  runConformance({ idp: idp(), issuer, adapter, only: RP_LOGOUT, jwksRefetchIntervalMs: 0 });

/**
 * openid-client 6 as its README signs a user out: buildEndSessionUrl with the session's ID token, or (`hint: false`)
 * with the client_id alone, then the browser of the login follows it back to the post-logout redirect URI.
 */
function openidClient(options: { hint?: boolean; postLogoutRedirectUri?: string } = {}): ClientAdapter {
  const sessions = new Map<string, { config: client.Configuration; idToken: string | undefined }>();
  return {
    name: 'openid-client 6',
    capabilities: ['issuer-url'],
    async run({ issuer, clientId, clientSecret, redirectUri, userAgent }) {
      const config = await discover(issuer, clientId, client.ClientSecretBasic(clientSecret));
      const { tokens } = await codeFlow(config, { scope: 'openid', agent: userAgent, redirectUri });
      sessions.set(clientId, { config, idToken: tokens.id_token });
      return { ok: true, claims: tokens.claims() };
    },
    async logout(context: CaseContext) {
      const session = sessions.get(context.clientId)!;
      sessions.delete(context.clientId);
      const postLogoutRedirectUri = options.postLogoutRedirectUri ?? context.postLogoutRedirectUri;
      const state = client.randomState();
      const url = client.buildEndSessionUrl(session.config, {
        post_logout_redirect_uri: postLogoutRedirectUri,
        state,
        ...(options.hint === false ? { client_id: context.clientId } : { id_token_hint: session.idToken! }),
      });
      const back = await context.userAgent.navigate(url, { until: (u) => u.href.startsWith(postLogoutRedirectUri) });
      return back.url.searchParams.get('state') === state
        ? { ok: true }
        : { ok: false, message: 'the post-logout redirect carried another state' };
    },
  };
}

describe('RP-initiated logout cases', () => {
  it('pass the reference client, which signs out with id_token_hint, a registered URI and a state', async () => {
    const report = await run(fastReferenceClient());
    expect(verdicts(report)).toEqual({
      'rp-logout': 'pass: completed the flow',
      'rp-logout-id-token-hint': 'pass: what it sent the issuer meets the rule',
    });
    // The case's requests show the logout, as a report's reader would look for it.
    const calls = report.results.find((r) => r.id === 'rp-logout')!.calls;
    expect(calls).toEqual(expect.arrayContaining(['end_session', 'end_session_confirm']));
  });

  it("pass openid-client 6's buildEndSessionUrl with the session's ID token", async () => {
    const report = await run(openidClient());
    expect(report.results.map((r) => [r.id, r.verdict])).toEqual([
      ['rp-logout', 'pass'],
      ['rp-logout-id-token-hint', 'pass'],
    ]);
  });

  it('warn a client that names no session (client_id only): RECOMMENDED, not required', async () => {
    const report = await run(openidClient({ hint: false }));
    expect(verdicts(report)).toEqual({
      'rp-logout': 'pass: completed the flow',
      'rp-logout-id-token-hint':
        'warn: its logout request carried no id_token_hint, so the issuer cannot tell which session to end',
    });
    expect(report.passed).toBe(true);
  });

  it('call a post-logout redirect URI the issuer refused not delivered, never a pass', async () => {
    const report = await run(openidClient({ postLogoutRedirectUri: 'http://127.0.0.1:3000/unregistered' }));
    for (const result of report.results) {
      expect(result.verdict).toBe('not-delivered');
      expect(result.reason).toContain("mock-idp refused the client's logout request (400 invalid_request)");
    }
    expect(report.passed).toBe(false);
  });

  it('skip a client that ends only its own session: the spec leaves RP-initiated logout to it', async () => {
    const local: ClientAdapter = { ...openidClient(), logout: async () => ({ ok: true }) };
    const report = await run(local);
    for (const result of report.results) {
      expect(result.verdict).toBe('skip');
      expect(result.reason).toBe(
        'the client signs out without RP-initiated logout (no request to the end_session_endpoint), which the ' +
          'spec leaves to it',
      );
    }
  });

  it('skip a client that cannot be asked to sign out, and an issuer with no end_session_endpoint', async () => {
    const { logout: _logout, ...noLogout } = openidClient();
    expect(verdicts(await run(noLogout))).toEqual({
      'rp-logout': 'skip: the client lacks: logout',
      'rp-logout-id-token-hint': 'skip: the client lacks: logout',
    });
    expect(verdicts(await run(fastReferenceClient(), 'gitlab'))).toEqual({
      'rp-logout': 'skip: the issuer does not advertise end_session_endpoint',
      'rp-logout-id-token-hint': 'skip: the issuer does not advertise end_session_endpoint',
    });
  });
});
