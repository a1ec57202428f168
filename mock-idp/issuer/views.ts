import { escapeHtml, page } from '../kernel/html.js';

// The pages oidc-provider asks the issuer to render (device flow, logout, errors),
// in the same look as the login page. oidc-provider supplies its forms; a page
// marked autosubmit is submitted by scripted agents in headless login mode.

export function deviceInputPage(form: string, error: { message: string } | undefined): string {
  return page(
    'Connect a device',
    `<div class="card"><h1>Connect a device</h1>
            ${error ? `<div class="error" role="alert">${escapeHtml(error.message)}</div>` : ''}
            <p class="sub">Enter the code shown on your device.</p>${form}
            <p><input type="text" name="user_code" form="op.deviceInputForm" autocomplete="off" autofocus \
aria-label="Code"></p>
            <div class="row"><button type="submit" class="primary" form="op.deviceInputForm">Continue</button></div>\
</div>`,
  );
}

export function deviceConfirmPage(form: string, clientName: string, userCode: string, autosubmit: boolean): string {
  // oidc-provider's form already carries confirm=yes; headless mode only marks it for submission.
  const confirmForm = autosubmit ? form.replace('<form ', '<form data-autosubmit ') : form;
  return page(
    'Confirm device',
    `<div class="card"><h1>Connect ${escapeHtml(clientName)}?</h1>
            <p class="sub">Check that your device shows <code>${escapeHtml(userCode)}</code>.</p>${confirmForm}
            <div class="row"><button type="submit" class="primary" form="op.deviceConfirmForm">Continue</button>
            <button type="submit" form="op.deviceConfirmForm" name="abort" value="yes">Cancel</button></div></div>`,
    { autosubmit },
  );
}

export function deviceSuccessPage(): string {
  return page(
    'Device connected',
    '<div class="card"><h1>Device connected</h1><p class="sub">You can return to your device.</p></div>',
  );
}

export function logoutPage(form: string, autosubmit: boolean): string {
  const logoutForm = form
    .replace('<form ', `<form ${autosubmit ? 'data-autosubmit ' : ''}`)
    .replace('</form>', `${autosubmit ? '<input type="hidden" name="logout" value="yes">' : ''}</form>`);
  return page(
    'Sign out',
    `<div class="card"><h1>Sign out?</h1>${logoutForm}
            <div class="row"><button type="submit" class="primary" form="op.logoutForm" name="logout" value="yes">\
Yes, sign me out</button>
            <button type="submit" form="op.logoutForm">No, stay signed in</button></div></div>`,
    { autosubmit },
  );
}

export function signedOutPage(): string {
  return page('Signed out', '<div class="card"><h1>Signed out</h1><p class="sub">You have been signed out.</p></div>');
}

/** An error oidc-provider renders as a page, with how to fix it when mock-idp knows. */
export function errorPage(error: string, description: string | undefined, helpHtml: string | undefined): string {
  return page(
    'Error',
    `<div class="card"><h1>${escapeHtml(error)}</h1>
        <p class="sub">${escapeHtml(description ?? '')}</p>${helpHtml ?? ''}</div>`,
  );
}
