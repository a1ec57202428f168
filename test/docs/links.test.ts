import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import GithubSlugger from 'github-slugger';
import markdownit, { type Token } from 'markdown-it';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const README_MAX_LINES = 400;

function markdownFilesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return markdownFilesUnder(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

const pages = ['README.md', 'CHANGELOG.md', 'bench/README.md', ...markdownFilesUnder('docs')];
const md = markdownit({ html: true });

interface Link {
  page: string;
  target: string;
  image: boolean;
}

function walk(tokens: Token[], visit: (token: Token) => void): void {
  for (const token of tokens) {
    visit(token);
    if (token.children) walk(token.children, visit);
  }
}

function linksOf(page: string): Link[] {
  const links: Link[] = [];
  walk(md.parse(readFileSync(join(root, page), 'utf8'), {}), (token) => {
    if (token.type === 'link_open') links.push({ page, target: String(token.attrGet('href') ?? ''), image: false });
    if (token.type === 'image') links.push({ page, target: String(token.attrGet('src') ?? ''), image: true });
  });
  return links;
}

/** Heading anchors of a markdown file as GitHub makes them (github-slugger, duplicates numbered). */
const anchorCache = new Map<string, Set<string>>();
function anchorsOf(page: string): Set<string> {
  const cached = anchorCache.get(page);
  if (cached) return cached;
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  const tokens = md.parse(readFileSync(join(root, page), 'utf8'), {});
  tokens.forEach((token, index) => {
    if (token.type !== 'heading_open') return;
    let text = '';
    walk(tokens[index + 1]?.children ?? [], (child) => {
      if (child.type === 'text' || child.type === 'code_inline') text += child.content;
    });
    anchors.add(slugger.slug(text));
  });
  anchorCache.set(page, anchors);
  return anchors;
}

/** Why a link does not resolve, or undefined when it does. */
function problem({ page, target, image }: Link): string | undefined {
  if (/^https?:/i.test(target)) {
    try {
      const url = new URL(target);
      return url.hostname ? undefined : 'no host';
    } catch {
      return 'not a well-formed URL';
    }
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return target.startsWith('mailto:') ? undefined : 'unexpected scheme';
  if (target === '') return 'empty link';
  const [rawPath = '', rawAnchor] = target.split('#', 2);
  const path = decodeURIComponent(rawPath);
  const file = path === '' ? page : relative(root, resolve(join(root, dirname(page)), path));
  if (file.startsWith('..')) return 'points outside the repository';
  if (!existsSync(join(root, file))) return `${file} does not exist`;
  if (image && !statSync(join(root, file)).isFile()) return `${file} is not an image file`;
  if (rawAnchor === undefined) return undefined;
  if (!file.endsWith('.md')) return undefined;
  const anchor = decodeURIComponent(rawAnchor);
  return anchorsOf(file).has(anchor) ? undefined : `${file} has no heading #${anchor}`;
}

describe('documentation links', () => {
  const all = pages.flatMap(linksOf);

  it('finds the pages and their links', () => {
    expect(pages).toEqual(expect.arrayContaining(['README.md', 'docs/profiles.md', 'docs/configuration.md']));
    expect(all.filter((link) => link.page === 'README.md').length).toBeGreaterThan(10);
  });

  it.each(pages)('every link in %s resolves (files, headings, images; external URLs well-formed)', (page) => {
    const broken = all
      .filter((link) => link.page === page)
      .map((link) => ({ target: link.target, problem: problem(link) }))
      .filter((link) => link.problem);
    expect(broken).toEqual([]);
  });

  it('resolves anchors by GitHub slug rules', () => {
    const anchors = anchorsOf('docs/profiles.md');
    expect(anchors).toContain('okta-oktaoauth2default');
    expect(anchors).toContain('stack-exchange-stackexchange');
    expect(problem({ page: 'README.md', target: 'docs/profiles.md#no-such-heading', image: false })).toMatch(
      /no heading/,
    );
    expect(problem({ page: 'README.md', target: 'docs/no-such-page.md', image: false })).toMatch(/does not exist/);
    expect(problem({ page: 'README.md', target: 'http://', image: false })).toBeDefined();
  });
});

describe('README', () => {
  it(`is at most ${README_MAX_LINES} lines`, () => {
    const lines = readFileSync(join(root, 'README.md'), 'utf8').split('\n').length;
    expect(lines).toBeLessThanOrEqual(README_MAX_LINES);
  });
});
