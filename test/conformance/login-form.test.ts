import { describe, expect, it } from 'vitest';
import { readLoginForm } from '../../conformance/adapters/login-form.js';

const PAGE = new URL('http://127.0.0.1:3000/accounts/login/?next=%2F');
const read = (html: string, selector?: string) => readLoginForm(html, PAGE, selector);

describe('the sign-in form the web adapter presses', () => {
  it('sends what a browser sends: hidden fields, checked boxes, selected options, the pressed button', () => {
    const form = read(`
      <form id="f" method="post" action="/accounts/oidc/mock/login/">
        <input type="hidden" name="csrfmiddlewaretoken" value="t0k3n">
        <input name="typeless" value="a">
        <input type="checkbox" name="remember"><input type="checkbox" name="agree" checked>
        <select name="lang">
          <option disabled>pick</option><option>fr</option><option value="de" selected>German</option>
        </select>
        <select name="many" multiple>
          <option value="1" selected>1</option><option value="2">2</option><option selected>3</option>
        </select>
        <textarea name="note">hi</textarea>
        <fieldset disabled><input name="off" value="x"></fieldset>
        <input name="gone" value="x" disabled>
        <button type="button" name="other" value="no">Other</button>
        <input type="Submit" name="action" value="continue">
        <input type="submit" name="second" value="no">
      </form>
      <input form="f" name="outside" value="o"><form method="get" action="/search"><input name="q"></form>`);
    expect(form).toMatchObject({ action: new URL('http://127.0.0.1:3000/accounts/oidc/mock/login/'), method: 'POST' });
    expect([...(form as { body: URLSearchParams }).body]).toEqual([
      ['csrfmiddlewaretoken', 't0k3n'],
      ['typeless', 'a'],
      ['agree', 'on'],
      ['lang', 'de'],
      ['many', '1'],
      ['many', '3'],
      ['note', 'hi'],
      ['outside', 'o'],
      ['action', 'continue'],
    ]);
  });

  it("follows the button's formaction and formmethod, <base href>, and a form with no action posts to the page", () => {
    const pressed = read(
      '<base href="http://127.0.0.1:3000/app/"><form method="get" action="x">' +
        '<button name="go" value="1" formaction="signin" formmethod="post">Go</button></form>',
      'form',
    );
    expect(pressed).toMatchObject({ action: new URL('http://127.0.0.1:3000/app/signin'), method: 'POST' });
    expect(read('<form method="post"><input type="image" name="pic"></form>')).toMatchObject({
      action: PAGE,
      body: new URLSearchParams('pic.x=0&pic.y=0'),
    });
  });

  it('says why when there is no single form to press: none, several, or only one inside a <template>', () => {
    expect(read('<p>nothing</p>')).toBe('0 POST forms, not one: name the sign-in form with a CSS selector');
    expect(read('<form method="post"></form><form method="POST"></form>')).toBe(
      '2 POST forms, not one: name the sign-in form with a CSS selector',
    );
    expect(read('<template><form method="post"></form></template>', 'form')).toBe('0 forms matching form, not one');
    expect(read('<form class="a"></form>', 'form.a')).toMatchObject({ method: 'GET' });
  });
});
