import { escapeHtml, page } from './html.js';
import type { User } from '../users/user-store.js';

export interface LoginPageModel {
  action: string;
  abortAction: string;
  issuerName: string;
  clientName: string;
  clientId: string;
  scopes: string[];
  users: User[];
  selectedSub?: string | undefined;
  customSub?: string | undefined;
  customClaims?: string | undefined;
  error?: string | undefined;
}

function userLabel(user: User): string {
  const { name, email } = user.claims;
  const detail = [email, user.username && user.username !== user.sub ? `@${user.username}` : '']
    .filter(Boolean).map(escapeHtml).join(' · ');
  return `<strong>${escapeHtml(name ?? user.sub)}</strong><small>sub: <code>${escapeHtml(user.sub)}</code>${detail ? ` · ${detail}` : ''}</small>`;
}

/** The page a person sees under `login: page`: pick a user or type one, then approve or deny. */
export function renderLoginPage(model: LoginPageModel): string {
  const selected = model.customSub ? undefined : (model.selectedSub ?? model.users[0]?.sub);
  const users = model.users.map((user) => `
    <label class="user"><input type="radio" name="sub" value="${escapeHtml(user.sub)}"${user.sub === selected ? ' checked' : ''}>
      <span>${userLabel(user)}</span></label>`).join('');
  const scopes = model.scopes.map((s) => `<span class="badge">${escapeHtml(s)}</span>`).join('');
  const placeholder = '{\n  "name": "Carol Custom",\n  "email": "carol@example.com",\n  "groups": ["testers"]\n}';
  return page('Sign in', `
<div class="card">
  <h1>Sign in to ${escapeHtml(model.clientName)}</h1>
  <p class="sub">Issuer <code>${escapeHtml(model.issuerName)}</code> · client <code>${escapeHtml(model.clientId)}</code></p>
  ${model.error ? `<div class="error" role="alert">${escapeHtml(model.error)}</div>` : ''}
  <div aria-label="Requested scopes">${scopes}</div>
  <form method="post" action="${escapeHtml(model.action)}" id="login">
    <fieldset><legend>Choose a user</legend>${users || '<p class="sub">This issuer has no users yet: type one below.</p>'}
      <label class="user"><input type="radio" name="sub" value=""${model.customSub || !model.users.length ? ' checked' : ''}>
        <span><strong>Someone else</strong><small>type a subject and claims below</small></span></label>
    </fieldset>
    <details id="custom"${model.customSub || model.error || !model.users.length ? ' open' : ''}><summary>Custom user</summary>
      <label for="custom_sub">Subject (sub)</label>
      <input type="text" id="custom_sub" name="custom_sub" value="${escapeHtml(model.customSub ?? '')}" autocomplete="off" placeholder="carol">
      <label for="custom_claims">Claims (JSON object)</label>
      <textarea id="custom_claims" name="custom_claims" spellcheck="false" placeholder="${escapeHtml(placeholder)}">${escapeHtml(model.customClaims ?? '')}</textarea>
    </details>
    <div class="row">
      <button type="submit" class="primary" name="decision" value="approve">Approve</button>
      <button type="submit" formaction="${escapeHtml(model.abortAction)}" name="decision" value="deny">Deny</button>
    </div>
  </form>
</div>
<script>
  // Choosing "Someone else" opens the custom fields; typing in them chooses "Someone else".
  (function () {
    var form = document.getElementById('login'), custom = document.getElementById('custom');
    var someone = form.querySelector('input[name=sub][value=""]');
    form.addEventListener('change', function (e) { if (e.target === someone) custom.open = true; });
    custom.addEventListener('input', function () { someone.checked = true; });
  })();
</script>`);
}
