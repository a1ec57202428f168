/**
 * http(s) URLs as a command prints them: up to whitespace, a quote, a backtick, an angle bracket or a control
 * character, which starts the terminal codes (colours, erase-line, OSC 8 hyperlinks) a coloured URL ends with.
 */
const URL_IN_TEXT = /https?:\/\/[^\s"'`<>\p{Cc}]+/gu;
const SENTENCE_END = '.,;:!?';
const CLOSING = { ')': '(', ']': '[', '}': '{' } as const;

/**
 * The URLs in one line of a command's output, read as a terminal's linkifier reads them: "Open (URL)." ends the URL
 * before its closing bracket and full stop, and an HTML-escaped `&amp;` is an `&`. Otherwise the last parameter,
 * often the client_id, would carry the punctuation, and the command's own request would not be recognized. A last
 * parameter that really ends so (an unsigned request object's final dot) loses it: the rule needs only its name.
 */
export function urlsIn(line: string): string[] {
  return [...line.matchAll(URL_IN_TEXT)].map(([match]) => trimTrailingPunctuation(match.replaceAll('&amp;', '&')));
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
