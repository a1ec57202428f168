/** http(s) URLs as a command prints them: up to whitespace, a quote, a backtick or an angle bracket. */
const URL_IN_TEXT = /https?:\/\/[^\s"'`<>]+/g;
/** Terminal colours and styles (SGR): a coloured URL carries them at both ends. */
const ANSI_STYLE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const SENTENCE_END = '.,;:!?';
const CLOSING = { ')': '(', ']': '[', '}': '{' } as const;

/**
 * The URLs in one line of a command's output, read as a terminal's linkifier reads them: "Open (URL)." ends the URL
 * before its closing bracket and full stop, and an HTML-escaped `&amp;` is an `&`. Otherwise the last parameter,
 * often the client_id, would carry the punctuation, and the command's own request would not be recognized. A last
 * parameter that really ends so (an unsigned request object's final dot) loses it: the rule needs only its name.
 */
export function urlsIn(line: string): string[] {
  return [...line.replace(ANSI_STYLE, '').matchAll(URL_IN_TEXT)].map(([match]) =>
    trimTrailingPunctuation(match.replaceAll('&amp;', '&')),
  );
}

function trimTrailingPunctuation(href: string): string {
  let end = href.length;
  for (;;) {
    const last = href[end - 1]!;
    if (SENTENCE_END.includes(last)) end -= 1;
    else if (last in CLOSING && unbalanced(href.slice(0, end), last as keyof typeof CLOSING)) end -= 1;
    else return href.slice(0, end);
  }
}

function unbalanced(text: string, closing: keyof typeof CLOSING): boolean {
  const count = (char: string) => text.split(char).length - 1;
  return count(closing) > count(CLOSING[closing]);
}
