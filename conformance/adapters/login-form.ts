import { type HTMLElement, parse as parseHtml } from 'node-html-parser';

/** A sign-in form as a person would send it by pressing its button. */
export interface LoginForm {
  action: URL;
  method: 'GET' | 'POST';
  body: URLSearchParams;
}

const NOT_SENT = new Set(['submit', 'button', 'image', 'reset', 'file']);
const typeOf = (element: HTMLElement) => (element.getAttribute('type') ?? '').toLowerCase();
const isDisabled = (element: HTMLElement) =>
  element.hasAttribute('disabled') || element.closest('fieldset[disabled]') !== null;

/** The form's controls: its own, and those elsewhere on the page that name it with form="its id". */
function controlsOf(form: HTMLElement, root: HTMLElement, selector: string): HTMLElement[] {
  const id = form.getAttribute('id');
  const outside = id ? root.querySelectorAll(selector).filter((c) => c.getAttribute('form') === id) : [];
  const inside = form
    .querySelectorAll(selector)
    .filter((c) => !c.hasAttribute('form') || c.getAttribute('form') === id);
  return [...inside, ...outside];
}

/** What a browser sends of a form's controls: named, enabled, and checked or selected where that applies. */
function sentControls(form: HTMLElement, root: HTMLElement): URLSearchParams {
  const body = new URLSearchParams();
  for (const control of controlsOf(form, root, 'input, select, textarea')) {
    const name = control.getAttribute('name');
    const type = typeOf(control);
    if (!name || isDisabled(control) || (control.tagName === 'INPUT' && NOT_SENT.has(type))) continue;
    if (control.tagName === 'SELECT') {
      const options = control.querySelectorAll('option').filter((o) => !o.hasAttribute('disabled'));
      const selected = options.filter((o) => o.hasAttribute('selected'));
      const sent = control.hasAttribute('multiple') ? selected : [selected[0] ?? options[0]].filter((o) => o);
      for (const option of sent) body.append(name, option!.getAttribute('value') ?? option!.text.trim());
    } else if (control.tagName === 'TEXTAREA') body.append(name, control.text);
    else if (type === 'checkbox' || type === 'radio') {
      if (control.hasAttribute('checked')) body.append(name, control.getAttribute('value') ?? 'on');
    } else body.append(name, control.getAttribute('value') ?? '');
  }
  return body;
}

/** The button a person presses: the form's first submit button. */
function submitButton(form: HTMLElement, root: HTMLElement): HTMLElement | undefined {
  return controlsOf(form, root, 'button, input').find(
    (b) =>
      !isDisabled(b) &&
      (b.tagName === 'BUTTON' ? ['', 'submit'].includes(typeOf(b)) : ['submit', 'image'].includes(typeOf(b))),
  );
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * The sign-in form of an app whose login page asks for a button press (Auth.js's sign-in page, django-allauth's
 * confirmation): the form `selector` names, or the page's only POST form, sent as its first submit button sends it
 * (its name and value, its formaction and formmethod). A string says why there is none.
 */
export function readLoginForm(html: string, page: URL, selector?: string): LoginForm | string {
  const root = parseHtml(html);
  const live = (form: HTMLElement) => form.tagName === 'FORM' && form.closest('template') === null;
  const forms = selector
    ? root.querySelectorAll(selector).filter(live)
    : root.querySelectorAll('form').filter((f) => live(f) && (f.getAttribute('method') ?? '').toLowerCase() === 'post');
  if (forms.length !== 1)
    return selector
      ? `${plural(forms.length, 'form', 'forms')} matching ${selector}, not one`
      : `${plural(forms.length, 'POST form', 'POST forms')}, not one: name the sign-in form with a CSS selector`;
  const form = forms[0]!;
  const base = new URL(root.querySelector('base[href]')?.getAttribute('href') ?? page.href, page);
  const body = sentControls(form, root);
  const button = submitButton(form, root);
  const buttonName = button?.getAttribute('name');
  // An image button sends where it was clicked; a person clicks somewhere in it.
  if (button && buttonName && typeOf(button) === 'image')
    for (const axis of ['x', 'y']) body.append(`${buttonName}.${axis}`, '0');
  else if (button && buttonName) body.append(buttonName, button.getAttribute('value') ?? '');
  const action = button?.getAttribute('formaction') ?? form.getAttribute('action') ?? '';
  const method = (button?.getAttribute('formmethod') ?? form.getAttribute('method') ?? 'get').toLowerCase();
  return {
    action: new URL(action || page.href, action ? base : page),
    method: method === 'post' ? 'POST' : 'GET',
    body,
  };
}
