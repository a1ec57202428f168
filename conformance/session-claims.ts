import { parse as parseHtml } from 'node-html-parser';
import type { ClientOutcome } from './types.js';

/**
 * A claim of the client's session as its outcome shows it: at the top of its claims, or under `claims`, where a
 * who-am-I page may wrap them (the example app's /me). Only a string counts.
 */
export function sessionClaim(outcome: ClientOutcome | undefined, name: string): string | undefined {
  const claims = outcome?.ok ? outcome.claims : undefined;
  const nested = claims?.claims as Record<string, unknown> | undefined;
  return [claims?.[name], nested?.[name]].find((v): v is string => typeof v === 'string');
}

/** As much of a page as the web adapter reads: parsing is superlinear in nesting. */
const PAGE_LIMIT = 64 * 1024;

/**
 * A shorter value could be part of anything a page says ("Al" of "Alpha"): only one this long names a claim's value
 * with some certainty.
 */
const MIN_VALUE_LENGTH = 6;

/**
 * Whether the page a signed-in session was read from shows a value, when it answered no JSON (the who-am-I page, or the
 * landing page without one): in its text or in an attribute (an `<img src>` shows a picture), entities decoded.
 * Undefined when the outcome has claims or no page.
 */
export function sessionPageReader(outcome: ClientOutcome | undefined): ((value: string) => boolean) | undefined {
  const html = outcome?.ok && outcome.claims === undefined ? (outcome.sessionPage ?? outcome.page) : undefined;
  if (html === undefined) return undefined;
  let shown: string;
  try {
    const root = parseHtml(html.slice(0, PAGE_LIMIT));
    const attributes = root.querySelectorAll('*').flatMap((element) => Object.values(element.attributes));
    shown = [root.textContent, ...attributes].join('\n');
  } catch {
    // Nesting deeper than the parser's recursion: the raw page still holds what it shows.
    shown = html.slice(0, PAGE_LIMIT);
  }
  return (value) => value.length >= MIN_VALUE_LENGTH && shown.includes(value);
}
