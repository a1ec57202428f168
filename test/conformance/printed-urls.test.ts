import { describe, expect, it } from 'vitest';
import { offIssuerAuthorization } from '../../conformance/adapters/off-issuer.js';
import { urlsIn } from '../../conformance/adapters/printed-urls.js';

describe("the URLs in a command's output", () => {
  const request = 'http://attacker.example:9/authorize?response_type=code&client_id=cli';

  it('end before the punctuation of the sentence around them, as a terminal link does', () => {
    for (const line of [`Open (${request}).`, `Open ${request}.`, `Open ${request}!`, `[${request}]`, `{${request}},`])
      expect(urlsIn(line), line).toEqual([request]);
  });

  it('keep a closing bracket that belongs to the URL, and read an HTML-escaped &amp; as &', () => {
    expect(urlsIn('see https://en.example/wiki/OAuth_(protocol) now')).toEqual([
      'https://en.example/wiki/OAuth_(protocol)',
    ]);
    expect(urlsIn(`<a href=${request.replace('&', '&amp;')}>log in</a>`)).toEqual([request]);
  });

  it('come without the terminal codes a program wraps them in, and end at a backtick', () => {
    const esc = String.fromCharCode(27);
    expect(urlsIn(`Open ${esc}[4m${esc}[36m${request}${esc}[39m${esc}[24m to log in`)).toEqual([request]);
    expect(urlsIn(`${request}${esc}[K`)).toEqual([request]);
    // An OSC 8 hyperlink: the URL, then the text shown for it.
    expect(urlsIn(`${esc}]8;;${request}${esc}\\Open the login page${esc}]8;;${esc}\\`)).toEqual([request]);
    expect(urlsIn(`run \`${request}\``)).toEqual([request]);
  });

  it('are each found on a line with several, quoted or not', () => {
    expect(urlsIn(`issuer "http://127.0.0.1:9400/generic", login at ${request}`)).toEqual([
      'http://127.0.0.1:9400/generic',
      request,
    ]);
  });

  it("leave the client_id exact, so that the shared rule knows the command's own request", () => {
    const context = { issuer: 'http://127.0.0.1:9400/generic', clientId: 'cli' };
    const [href] = urlsIn(`Open (${request}).`);
    expect(offIssuerAuthorization(new URL(href!), context)).toMatchObject({ code: 'left-issuer' });
    // A request object by value (RFC 9101) carries response_type inside it.
    const byValue = new URL('http://attacker.example:9/authorize?client_id=cli&request=eyJ');
    expect(offIssuerAuthorization(byValue, context)).toMatchObject({ code: 'left-issuer' });
  });
});
