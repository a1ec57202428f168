import { escapeHtml, page } from '../kernel/html.js';
import type { User } from '../users/user-store.js';

export interface LoginPageModel {
  action: string;
  abortAction: string;
  issuerName: string;
  clientName: string;
  clientId: string;
  /** The client's token_endpoint_auth_method: a detail for the subtitle, not the title. */
  authMethod?: string | undefined;
  scopes: string[];
  users: User[];
  selectedSub?: string | undefined;
  customSub?: string | undefined;
  customClaims?: string | undefined;
  error?: string | undefined;
}

/** The line under a user's name: sub, email and a username that neither of them already shows. */
function userLabel(user: User): string {
  const { name, display_name: displayName, email } = user.claims;
  const username = user.username && user.username !== user.sub && user.username !== email ? user.username : undefined;
  // "@alice" reads as a handle; a username that is an address (Okta's logins) is shown as it is.
  const handle = username && (username.includes('@') ? username : `@${username}`);
  const detail = [email, handle].filter(Boolean).map(escapeHtml).join(' · ');
  const title = name ?? displayName ?? user.username ?? user.sub;
  return (
    `<strong>${escapeHtml(title)}</strong><small>sub: ` +
    `<code>${escapeHtml(user.sub)}</code>${detail ? ` · ${detail}` : ''}</small>`
  );
}

/** The page a person sees under `login: page`: pick a user or type one, then approve or deny. */
export function renderLoginPage(model: LoginPageModel): string {
  const someoneElse = Boolean(model.customSub || !model.users.length);
  const selected = someoneElse ? undefined : (model.selectedSub ?? model.users[0]?.sub);
  const users = model.users
    .map(
      (user) => `
    <label class="user"><input type="radio" name="sub" \
value="${escapeHtml(user.sub)}"${user.sub === selected ? ' checked' : ''}>
      <span>${userLabel(user)}</span></label>`,
    )
    .join('');
  const scopes = model.scopes.map((s) => `<li class="badge">${escapeHtml(s)}</li>`).join('');
  const placeholder = '{\n  "name": "Carol Custom",\n  "email": "carol@example.com",\n  "groups": ["testers"]\n}';
  return page(
    'Sign in',
    `
<div class="card">
  <h1>Sign in to ${escapeHtml(model.clientName)}</h1>
  <p class="sub">Issuer <code>${escapeHtml(model.issuerName)}</code> · client <code>\
${escapeHtml(model.clientId)}</code>${
      model.authMethod
        ? ` · authenticates with <code>\
${escapeHtml(model.authMethod)}</code>`
        : ''
    }</p>
  ${model.error ? `<div class="error" role="alert">${escapeHtml(model.error)}</div>` : ''}
  ${
    scopes
      ? `<p class="label" id="scopes-label">Requested scopes</p><ul class="scopes" \
aria-labelledby="scopes-label">${scopes}</ul>`
      : ''
  }
  <form method="post" action="${escapeHtml(model.action)}" id="login">
    <fieldset><legend>Choose a user</legend>\
${users || '<p class="sub">This issuer has no users yet: type one below.</p>'}
      <div class="user someone">
        <label><input type="radio" name="sub" value=""${someoneElse ? ' checked' : ''}>
          <span><strong>Someone else</strong><small>type a subject and claims</small></span></label>
        <div class="fields" role="group" aria-label="Someone else">
          <label for="custom_sub">Subject (sub)</label>
          <input type="text" id="custom_sub" name="custom_sub" value="${escapeHtml(model.customSub ?? '')}" \
autocomplete="off" placeholder="carol">
          <label for="custom_claims">Claims (JSON object)</label>
          <textarea id="custom_claims" name="custom_claims" spellcheck="false" \
placeholder="${escapeHtml(placeholder)}">${escapeHtml(model.customClaims ?? '')}</textarea>
        </div>
      </div>
    </fieldset>
    <div class="row">
      <button type="submit" class="primary" name="decision" value="approve">Approve</button>
      <button type="submit" formaction="${escapeHtml(model.abortAction)}" name="decision" value="deny">Deny</button>
    </div>
  </form>
</div>`,
  );
}
