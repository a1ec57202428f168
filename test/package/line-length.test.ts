import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Biome formats to 120 columns but never breaks a string, a template or a comment, and it has no rule for the
// lines it leaves long; this test holds the limit for what the formatter cannot.
const LIMIT = 120;
const root = fileURLToPath(new URL('../../', import.meta.url));

/** A line that may stay long: a comment that is one URL, which cannot be broken. */
const exempt = (line: string) => /^\s*(\/\/|\*)\s*\S*https?:\/\/\S+$/.test(line);

describe('source lines', () => {
  it(`stay within ${LIMIT} columns in every tracked TypeScript and JavaScript file`, () => {
    const files = execFileSync('git', ['ls-files', '-z', '*.ts', '*.mts', '*.cts', '*.js', '*.mjs', '*.cjs'], {
      cwd: root,
      encoding: 'utf8',
    })
      .split('\0')
      .filter(Boolean);
    expect(files.length).toBeGreaterThan(100);
    const long = files.flatMap((file) =>
      readFileSync(`${root}${file}`, 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          [...line].length > LIMIT && !exempt(line) ? [`${file}:${i + 1} (${[...line].length})`] : [],
        ),
    );
    expect(long).toEqual([]);
  });
});
