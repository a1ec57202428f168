import { parse as parseHtml } from 'node-html-parser';
import { findScenario } from '../mock-idp/helpers.js';
import type { ClientOutcome } from './types.js';

/**
 * The profile and email claims the userinfo cases plant, which the ID token of their login lacks: what the scenario
 * that leaves them to userinfo removes from it.
 */
export const PROFILE_CLAIMS: readonly string[] = (
  findScenario('id-token-claims-in-userinfo-only')?.faults ?? []
).flatMap((fault) => (fault.target === 'id_token' ? (fault.remove ?? []) : []));

/**
 * A claim of the client's session as its outcome shows it: at the top of its claims, or under `claims`, where a
 * who-am-I page may wrap them (the example app's /me). Only a string counts.
 */
export function sessionClaim(outcome: ClientOutcome | undefined, name: string): string | undefined {
  const claims = outcome?.ok ? outcome.claims : undefined;
  const nested = claims?.claims as Record<string, unknown> | undefined;
  return [claims?.[name], nested?.[name]].find((v): v is string => typeof v === 'string');
}

/** A session shown as JSON: its claims when the text is a JSON object, else nothing. */
export function claimsOf(text: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const SNIPPET = 240;

/** Text a page shows, for a reason: its runs of white space as one space, and its first 240 characters. */
export function briefly(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > SNIPPET ? `${flat.slice(0, SNIPPET)}…` : flat;
}

/** As much of a page as the kit reads: enough for what a person reads first, and parsing is superlinear in nesting. */
export const PAGE_LIMIT = 64 * 1024;

/**
 * A shorter value could be part of anything a session shows ("Al" of "Alpha"): only one this long names a claim's
 * value with some certainty.
 */
const MIN_VALUE_LENGTH = 6;

/** Every string in a JSON value, at any depth, under whatever name the app gave it. */
function jsonStrings(value: unknown, depth = 0): string[] {
  if (typeof value === 'string') return [value];
  if (depth > 8 || value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap((item) => jsonStrings(item, depth + 1));
}

/** Every text and attribute value of a page, entities decoded: an `<img src>` shows a picture. */
function pageStrings(html: string): string[] {
  try {
    const root = parseHtml(html.slice(0, PAGE_LIMIT));
    return [root.textContent, ...root.querySelectorAll('*').flatMap((element) => Object.values(element.attributes))];
  } catch {
    // Nesting deeper than the parser's recursion: the raw page still holds what it shows.
    return [html.slice(0, PAGE_LIMIT)];
  }
}

/**
 * Whether what the client shows of its session holds a value: anywhere in its claims (JSON from its who-am-I page or,
 * without one, the page its login lands on; a command client's output), or else in the text or attributes of its
 * who-am-I page. Undefined when it shows neither: a landing page in HTML is not read, since a refusal can come as a
 * 200 page that quotes what it refused.
 */
export function sessionShows(outcome: ClientOutcome | undefined): ((value: string) => boolean) | undefined {
  if (!outcome?.ok) return undefined;
  const { claims, sessionPage } = outcome;
  const shown = claims ? jsonStrings(claims) : sessionPage !== undefined ? pageStrings(sessionPage) : undefined;
  if (!shown) return undefined;
  const text = shown.join('\n');
  return (value) => value.length >= MIN_VALUE_LENGTH && text.includes(value);
}
