import { parse as parseHtml } from 'node-html-parser';

/** A sign-in form as a person would send it by pressing its button. */
export interface LoginForm {
  action: URL;
  method: 'GET' | 'POST';
  body: URLSearchParams;
}

/** A form's own controls that a browser sends: named, enabled, and checked where that applies. */
function sentControls(form: ReturnType<typeof parseHtml>): URLSearchParams {
  const body = new URLSearchParams();
  for (const input of form.querySelectorAll('input, select, textarea')) {
    const name = input.getAttribute('name');
    const type = (input.getAttribute('type') ?? 'text').toLowerCase();
    if (!name || input.hasAttribute('disabled') || ['submit', 'button', 'image', 'reset', 'file'].includes(type))
      continue;
    if ((type === 'checkbox' || type === 'radio') && !input.hasAttribute('checked')) continue;
    const value =
      input.tagName === 'SELECT'
        ? ((input.querySelector('option[selected]') ?? input.querySelector('option'))?.getAttribute('value') ?? '')
        : input.tagName === 'TEXTAREA'
          ? input.text
          : (input.getAttribute('value') ?? (type === 'checkbox' || type === 'radio' ? 'on' : ''));
    body.append(name, value);
  }
  // The button pressed: the first submit button, whose name and value go with the form when it has them.
  const button = form.querySelector('button:not([type]), button[type="submit"], input[type="submit"]');
  const buttonName = button?.getAttribute('name');
  if (buttonName) body.append(buttonName, button?.getAttribute('value') ?? '');
  return body;
}

/**
 * The sign-in form of an app whose login page asks for a button press (Auth.js's sign-in page, django-allauth's
 * confirmation): the form `selector` names, or the page's only POST form. A string says why there is none.
 */
export function readLoginForm(html: string, page: URL, selector?: string): LoginForm | string {
  const root = parseHtml(html);
  const forms = selector
    ? root.querySelectorAll(selector).filter((element) => element.tagName === 'FORM')
    : root.querySelectorAll('form').filter((form) => (form.getAttribute('method') ?? '').toLowerCase() === 'post');
  if (forms.length !== 1)
    return selector
      ? `${forms.length} forms match ${selector}`
      : `${forms.length} POST forms, not one: name the sign-in form with a CSS selector`;
  const form = forms[0]!;
  return {
    action: new URL(form.getAttribute('action') ?? page.href, page),
    method: (form.getAttribute('method') ?? 'get').toLowerCase() === 'post' ? 'POST' : 'GET',
    body: sentControls(form),
  };
}
