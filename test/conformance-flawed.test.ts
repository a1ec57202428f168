import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockIdp } from '../mock-idp/index.js';
import { cases, runConformance } from '../conformance/index.js';
import { flawedClients } from '../fixtures/clients/flawed/index.js';
import { startTestIdp } from './helpers/idp.js';

let idp: MockIdp;
beforeAll(async () => { idp = await startTestIdp({ profiles: ['generic'] }); });
afterAll(() => idp.close());

/** Cases no in-process client can take part in: skipped for the reference client and every flawed one alike. */
const notApplicable = new Set(cases.filter((c) => c.requires?.includes('web') || c.requires?.includes('native') || c.profiles).map((c) => c.id));

describe('the flawed clients prove the kit: each fails exactly the cases aimed at its flaw', () => {
  it('has at least 12 flawed clients, each with a distinct flaw and known target cases', () => {
    expect(flawedClients.length).toBeGreaterThanOrEqual(12);
    expect(new Set(flawedClients.map((f) => f.flaw)).size).toBe(flawedClients.length);
    const ids = new Set(cases.map((c) => c.id));
    for (const flawed of flawedClients) for (const id of flawed.caughtBy) expect(ids.has(id), `${flawed.flaw} names ${id}`).toBe(true);
  });

  it.each(flawedClients.map((f) => [f.flaw, f] as const))('%s', async (_flaw, flawed) => {
    const report = await runConformance({ idp, adapter: flawed.adapter });
    const missed = report.results.filter((r) => r.verdict === 'fail' || r.verdict === 'warn').map((r) => r.id).sort();
    expect(missed, report.results.filter((r) => r.verdict === 'fail' || r.verdict === 'warn').map((r) => `${r.id}: ${r.reason}`).join('\n')).toEqual([...flawed.caughtBy].sort());
    for (const result of report.results) {
      if (notApplicable.has(result.id)) expect(result.verdict, result.id).toBe('skip');
    }
  });
});
