import { describe, expect, it } from 'vitest';
import { foreignHostname, foreignKeysUrl } from '../../../mock-idp/scenarios/foreign-host.js';

describe("where the attacker's key URLs point", () => {
  it('renames a plain-http loopback host to its other name, the port and path kept', () => {
    expect(foreignHostname('http://127.0.0.1:9400/generic')).toBe('localhost');
    expect(foreignHostname('http://LOCALHOST:9400/generic')).toBe('127.0.0.1');
    expect(foreignKeysUrl('http://127.0.0.1:9400/auth0/', 'my app/1', 'jwks.json')).toBe(
      'http://localhost:9400/auth0/attacker-keys/my%20app%2F1/jwks.json',
    );
    expect(foreignKeysUrl('http://localhost/generic/s/x~1', 'c', 'cert.pem')).toBe(
      'http://127.0.0.1/generic/s/x~1/attacker-keys/c/cert.pem',
    );
  });

  it('falls back to attacker.example where no other name is known to reach the same server', () => {
    // IPv6 loopback (localhost is often 127.0.0.1 alone), https (the certificate names one host), real host names.
    for (const issuer of [
      'http://[::1]:9400/generic',
      'https://127.0.0.1:9400/generic',
      'https://acme.okta.com/oauth2/default',
      'http://mock-idp:9400/generic',
    ]) {
      expect(foreignHostname(issuer), issuer).toBeUndefined();
      expect(foreignKeysUrl(issuer, 'c', 'jwks.json'), issuer).toBe(
        `https://attacker.example${new URL(issuer).pathname}/attacker-keys/c/jwks.json`,
      );
    }
  });
});
