import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/check-layers.mjs', import.meta.url));

// docs/architecture.md: imports run down the layers only, with no cycle, and client/ stands alone.
describe('the source layering', () => {
  it('has no upward import, no cycle, and client/ imports nothing outside itself', () => {
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^layers ok: \d+ files/);
  });
});
