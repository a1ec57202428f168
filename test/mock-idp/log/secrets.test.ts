import { describe, expect, it, vi } from 'vitest';
import { maskSecret } from '../../../mock-idp/log/mask.js';
import { useIdp } from '../../helpers/idp.js';
import { captureLog } from '../../helpers/log.js';

const log = captureLog('info');
const idp = useIdp({ profiles: ['generic', 'stackexchange'], logger: log.logger });

describe('logs never carry a credential in full', () => {
  it('masks a Stack Exchange token carried in the path, in the log line and the request log', async () => {
    const token = 'SECRETtokenValue(abc)1234567890';
    const r = await fetch(`${idp().issuers.stackexchange}/2.3/access-tokens/${encodeURIComponent(token)}?key=x`);
    expect(r.status).toBeLessThan(500);
    // The line is written when the response finishes, which a loaded machine may report after fetch returns.
    await vi.waitFor(() => expect(log.text()).toContain('/stackexchange/2.3/access-tokens/'), { timeout: 5000 });
    expect(log.text()).not.toContain('SECRETtokenValue');
    expect(JSON.stringify(idp().requests.list())).not.toContain('SECRETtokenValue');
    expect(idp().requests.list().at(-1)!.path).toMatch(/^\/stackexchange\/2\.3\/access-tokens\/SECR…/);
  });

  it('masks user_code in the request log', async () => {
    await fetch(`${idp().issuers.generic}/device?user_code=WDJB-MJHT`);
    const record = idp().requests.list({ issuer: 'generic' }).at(-1)!;
    expect(JSON.stringify(record)).not.toContain('WDJB-MJHT');
    expect(record.query.user_code).toMatch(/\*\*\*|…/);
  });

  it('tells apart two refresh tokens of one length and header by a fingerprint, not by more of the value', () => {
    const header = 'eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9';
    const [a, b] = [`${header}.payloadA.sigAAAA`, `${header}.payloadB.sigAAAA`];
    expect(a.length).toBe(b.length);
    expect(maskSecret(a)).not.toBe(maskSecret(b));
    expect(maskSecret(a)).toBe(maskSecret(a));
    expect(maskSecret(a)).toMatch(/^eyJh…#[0-9a-f]{8}\(53\)$/);
    expect(maskSecret(a)).not.toContain('AAAA');
  });
});
