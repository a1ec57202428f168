import { describe, expect, it } from 'vitest';
import {
  clientSecretBasic,
  FlowManager,
  presets,
  readThirdPartyLogin,
  ThirdPartyLoginError,
} from '../../client/index.js';
import { UserAgent } from '../../mock-idp/index.js';
import { REDIRECT_URI, useIssuer } from '../helpers/idp.js';

const { idp, issuer } = useIssuer('generic');

const RULES = { issuers: ['https://idp.example/'], targetOrigins: ['https://app.example'] };
const read = (query: string) => readThirdPartyLogin(new URLSearchParams(query), RULES);

/** The error a call throws, for its code and message. */
function thrown(call: () => unknown): ThirdPartyLoginError {
  try {
    call();
  } catch (error) {
    if (error instanceof ThirdPartyLoginError) return error;
    throw error;
  }
  throw new Error('did not throw');
}

describe('readThirdPartyLogin (OIDC Core 4)', () => {
  it('takes the iss it is configured for, the login_hint and a target_link_uri of its own origin', () => {
    expect(
      read('iss=https%3A%2F%2Fidp.example%2F&login_hint=alice&target_link_uri=https%3A%2F%2Fapp.example%2Freports'),
    ).toEqual({ loginHint: 'alice', targetLinkUri: 'https://app.example/reports' });
    expect(read('iss=https%3A%2F%2Fidp.example%2F')).toEqual({});
  });

  it('drops a target_link_uri of another origin or none at all, and says which it dropped', () => {
    for (const target of [
      'https://attacker.example/landing',
      'https://app.example.attacker.example/',
      'http://app.example/',
      '//attacker.example/',
      '/reports',
      // Its origin is the app's, but it is no page of the app: a blob the attacker's script made there.
      'blob:https://app.example/0b6d3ad4-0c8e-4a8b-9f6b-6f5d2a3c1e11',
      'javascript://app.example/%0aalert(1)',
      `https://app.example/${'a'.repeat(2048)}`,
    ])
      expect(read(`iss=https://idp.example/&target_link_uri=${encodeURIComponent(target)}`), target).toEqual({
        ignoredTargetLinkUri: target,
      });
  });

  it('hands back the target as parsed, and takes the allowed origins written as any URL of theirs', () => {
    const rules = { issuers: ['https://idp.example/'], targetOrigins: ['https://APP.example/dashboard/'] };
    expect(
      readThirdPartyLogin(
        new URLSearchParams({ iss: 'https://idp.example/', target_link_uri: 'HTTPS://app.EXAMPLE:443/a b' }),
        rules,
      ),
    ).toEqual({ targetLinkUri: 'https://app.example/a%20b' });
    expect(() =>
      readThirdPartyLogin(new URLSearchParams({ iss: 'https://idp.example/' }), { ...rules, targetOrigins: ['app'] }),
    ).toThrow('targetLinkOrigins: "app" is not a URL');
  });

  it('refuses an issuer it does not log in at, compared exactly (no trailing-slash leniency)', () => {
    for (const iss of ['https://attacker.example/', 'https://idp.example', 'https://IDP.example/']) {
      const error = thrown(() => read(`iss=${encodeURIComponent(iss)}`));
      expect(error.code, iss).toBe('initiate_login_iss_unknown');
      expect(error.message).toBe(
        `the login initiation request names issuer ${iss}, which this client does not log in at`,
      );
    }
  });

  it('refuses a request without iss, or with a parameter given twice', () => {
    expect(thrown(() => read('login_hint=alice')).message).toBe('the login initiation request has no iss');
    expect(thrown(() => read('iss=')).code).toBe('initiate_login_invalid');
    for (const query of [
      'iss=https://idp.example/&iss=https://attacker.example/',
      'iss=https://idp.example/&login_hint=a&login_hint=b',
      'iss=https://idp.example/&target_link_uri=https://app.example/a&target_link_uri=https://app.example/b',
    ]) {
      const error = thrown(() => read(query));
      expect(error.code, query).toBe('initiate_login_invalid');
      expect(error.message).toMatch(/^the login initiation request carries "(iss|login_hint|target_link_uri)" twice$/);
    }
  });
});

describe('FlowManager.startFromThirdParty', () => {
  const flows = (extra: { targetLinkOrigins?: string[] } = {}) =>
    new FlowManager(
      presets.generic(issuer(), {
        clientId: 'generic-basic',
        clientAuth: clientSecretBasic('generic-basic-secret'),
        redirectUri: REDIRECT_URI,
        ...extra,
      }),
    );
  const initiation = (params: Record<string, string>) => new URLSearchParams({ iss: issuer(), ...params });

  it('logs in at its issuer with the login_hint, and hands back a target_link_uri of its own origin', async () => {
    const manager = flows();
    const start = await manager.startFromThirdParty(
      'u',
      initiation({ login_hint: 'bob', target_link_uri: 'http://127.0.0.1:3000/reports?id=7' }),
    );
    expect(start.origin + start.pathname).toBe(`${issuer()}/auth`);
    expect(start.searchParams.get('login_hint')).toBe('bob');
    const { url } = await new UserAgent().navigate(start, { until: (u) => u.href.startsWith(REDIRECT_URI) });
    const result = await manager.finish('u', url);
    // The hint chose the user: the headless login signs in whom it names.
    expect(result.claims?.sub).toBe('bob');
    expect(result.targetLinkUri).toBe('http://127.0.0.1:3000/reports?id=7');
    const authorization = idp()
      .requests.list({ issuer: 'generic', route: 'authorization' })
      .find((r) => r.query.state === start.searchParams.get('state'));
    expect(authorization?.query.login_hint).toBe('bob');
  });

  it('finishes without a target when the one sent was foreign, or not among targetLinkOrigins', async () => {
    for (const [manager, target] of [
      [flows(), 'https://attacker.example/landing'],
      [flows({ targetLinkOrigins: ['https://app.example'] }), 'http://127.0.0.1:3000/reports'],
    ] as const) {
      const start = await manager.startFromThirdParty('u', initiation({ target_link_uri: target }));
      const { url } = await new UserAgent().navigate(start, { until: (u) => u.href.startsWith(REDIRECT_URI) });
      const result = await manager.finish('u', url);
      expect(result.claims?.sub, target).toBe('alice');
      expect(result.targetLinkUri, target).toBeUndefined();
    }
    const manager = flows({ targetLinkOrigins: ['https://app.example'] });
    const start = await manager.startFromThirdParty('u', initiation({ target_link_uri: 'https://app.example/x' }));
    const { url } = await new UserAgent().navigate(start, { until: (u) => u.href.startsWith(REDIRECT_URI) });
    expect((await manager.finish('u', url)).targetLinkUri).toBe('https://app.example/x');
  });

  it('refuses another issuer before anything is stored: the pending login of the user is untouched', async () => {
    const manager = flows();
    const pending = await manager.start('u');
    await expect(
      manager.startFromThirdParty('u', new URLSearchParams({ iss: `${issuer()}/s/no-fault` })),
    ).rejects.toMatchObject({ code: 'initiate_login_iss_unknown' });
    const { url } = await new UserAgent().navigate(pending, { until: (u) => u.href.startsWith(REDIRECT_URI) });
    expect((await manager.finish('u', url)).claims?.sub).toBe('alice');
  });
});
