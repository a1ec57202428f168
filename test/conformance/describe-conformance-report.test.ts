import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

interface Recorded {
  name: string;
  state: string;
  note?: string;
  annotations: { type: string; message: string }[];
  errors: string[];
}

describe('describeConformance inside a vitest run', () => {
  it('skips with the reason, annotates warnings and notes, and fails with the whole reason', async () => {
    const record = join(mkdtempSync(join(tmpdir(), 'mock-idp-describe-')), 'tests.json');
    const vitest = join(import.meta.dirname, '..', '..', 'node_modules', 'vitest', 'vitest.mjs');
    // A vitest run of its own: its exit code is 1, since one case fails.
    await promisify(execFile)(
      process.execPath,
      [vitest, 'run', '--config', join(import.meta.dirname, 'describe-conformance', 'vitest.config.ts')],
      {
        env: { ...process.env, RECORD_TO: record },
        timeout: 120_000,
      },
    ).catch((error: { code?: number }) => expect(error.code).toBe(1));
    const tests = JSON.parse(readFileSync(record, 'utf8')) as Recorded[];
    const byCase = (id: string) => tests.find((t) => t.name.includes(` ${id}: `))!;

    expect(byCase('happy-path')).toMatchObject({ state: 'passed', annotations: [] });
    expect(byCase('open-redirect-return-to')).toMatchObject({ state: 'skipped', note: 'the client lacks: web' });
    const warned = byCase('id-token-nbf-future');
    expect(warned.state).toBe('passed');
    expect(warned.annotations).toEqual([
      expect.objectContaining({
        type: 'warning',
        message: expect.stringMatching(/^warn \(SHOULD\): accepted a response it must reject\nspec: RFC 7519 4\.1\.5/),
      }),
    ]);
    expect(byCase('id-token-iat-future').annotations[0]).toMatchObject({
      type: 'notice',
      message: expect.stringMatching(/^info \(MAY\): /),
    });
    const failed = byCase('id-token-exp-past');
    expect(failed.state).toBe('failed');
    // The whole reason, the spec sentence and the requests: nothing cut.
    expect(failed.errors[0]).toMatch(
      new RegExp(
        /^fail \(MUST\): accepted a response it must reject: its time is 900 s off, beyond the declared /.source +
          /clock tolerance of 60 s \(declare a client's own with --clock-tolerance or clockToleranceSeconds\)/.source +
          /\nspec: OIDC Core /.source +
          /3\.1\.3\.7 \(9\) — "[^"]+"\nrequests: .*token/.source,
      ),
    );
  }, 150_000);
});
