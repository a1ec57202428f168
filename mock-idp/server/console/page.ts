import type { Issuer } from '../../issuer/issuer.js';
import { overviewData, renderOverview } from './overview.js';
import { CONSOLE_SCRIPT } from './page-script.js';
import { consoleShell } from './shell.js';

const ADMIN_DOCS = 'https://github.com/mock-idp/mock-idp/blob/main/docs/admin-api.md';

/** JSON inside a <script> element: "<" escaped so no value can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

const HEADER = `<header class="top">
  <span class="brand">mock-idp console</span>
  <nav aria-label="Sections"><a href="#overview">Overview</a><a href="#log">Request log</a><a href="#controls">\
Controls</a></nav>
  <nav aria-label="Links"><a href="${ADMIN_DOCS}">Admin API docs</a><a href="/_admin/issuers">/_admin/issuers</a><a \
href="/_admin/scenarios">Scenarios</a><a href="/healthz">Health</a></nav>
  <form id="token-bar" autocomplete="off"><label for="admin-token">Admin token</label><input type="password" \
id="admin-token"><button type="submit" class="small">Use</button></form>
</header>`;

const LOG = `<section id="log" aria-labelledby="log-h">
  <h2 id="log-h">Request log <span class="badge" id="live">connecting…</span></h2>
  <div class="filters">
    <label>Issuer <select id="f-issuer"><option value="">all</option></select></label>
    <label>Client <select id="f-client"><option value="">all</option></select></label>
    <label>Status <select id="f-status"><option value="">all</option><option value="ok">2xx–3xx</option><option \
value="failed">failed (4xx–5xx)</option><option value="4">4xx</option><option value="5">5xx</option></select></label>
    <div class="tabs" role="group" aria-label="View"><button type="button" class="small" id="v-logins" \
aria-pressed="true">Logins</button><button type="button" class="small" id="v-requests" aria-pressed="false">\
Requests</button></div>
  </div>
  <div id="logins" class="log"><p class="empty">No logins yet: press "Try a login" on a client, or point your app at \
an issuer.</p></div>
  <div id="requests" class="log" hidden><p class="empty">No requests yet.</p></div>
</section>`;

function controls(): string {
  const issuerSelect = (id: string) =>
    `<label>Issuer <select id="${id}" class="issuer-select" required></select></label>`;
  const clientSelect = (id: string, issuer: string) =>
    `<label>Client <select id="${id}" class="client-select" data-issuer-from="${issuer}" required></select></label>`;
  return `<section id="controls" aria-labelledby="controls-h">
  <h2 id="controls-h">Controls</h2>
  <p class="intro" style="margin:0 0 10px">Each control calls the admin API (<code>/_admin/…</code>) from this page, \
with the same checks as any caller: JSON bodies, same origin, and the admin token when one is set.</p>
  <div class="controls">
    <div class="card control" id="c-scenario"><h3>Scenario</h3>
      <form data-action="arm">${issuerSelect('s-issuer')}${clientSelect('s-client', 's-issuer')}<label>Scenario \
<select id="s-name" required></select></label>
        <button type="submit" class="small primary">Arm</button><button type="button" class="small" \
data-action="disarm">Disarm</button></form><output></output></div>
    <div class="card control" id="c-keys"><h3>Signing keys</h3>
      <form data-action="rotate">${issuerSelect('k-issuer')}<label>Alg <select id="k-alg"><option>RS256</option>\
<option>ES256</option><option>PS256</option><option>EdDSA</option></select></label>
        <button type="submit" class="small primary">Rotate</button><button type="button" class="small" \
data-action="list-keys">List</button></form>
      <form data-action="retire"><label>kid <input type="text" id="k-kid" required></label><button type="submit" \
class="small">Retire</button></form><output></output></div>
    <div class="card control" id="c-clock"><h3>Clock</h3>
      <form data-action="shift">${issuerSelect('t-issuer')}<label>Offset (s) <input type="number" id="t-offset" \
value="0" step="1" required style="width:8em"></label>
        <button type="submit" class="small primary">Set</button><button type="button" class="small" \
data-action="read-clock">Read</button></form><output></output></div>
    <div class="card control" id="c-user"><h3>Add a user</h3>
      <form data-action="add-user">${issuerSelect('u-issuer')}<label>sub <input type="text" id="u-sub" required>\
</label><label>Name <input type="text" id="u-name"></label><label>Email <input type="text" id="u-email"></label>
        <button type="submit" class="small primary">Add</button></form><output></output></div>
    <div class="card control" id="c-client"><h3>Add a client</h3>
      <form data-action="add-client">${issuerSelect('n-issuer')}<label>client_id <input type="text" id="n-id" \
required></label>
        <label>Auth <select id="n-auth"><option>none</option><option>client_secret_basic</option><option>\
client_secret_post</option></select></label>
        <label>Secret <input type="text" id="n-secret"></label><label>Redirect URI <input type="text" id="n-redirect" \
value="http://127.0.0.1:3000/callback"></label>
        <button type="submit" class="small primary">Add</button></form><output></output></div>
    <div class="card control" id="c-reset"><h3>Reset</h3>
      <form data-action="reset"><p class="meta" style="margin:0">Every issuer back to its configuration (clients, \
users, keys, clock, scenarios) and the request log cleared.</p>
        <button type="submit" class="small">Reset everything</button></form><output></output></div>
  </div>
</section>`;
}

/** The console at "/": overview, live request log and controls on one page. */
export function renderConsole(issuers: readonly Issuer[], scenarios: readonly string[]): string {
  const body = `
<p class="intro">Every issuer this mock-idp serves, what clients sent it (live), and the knobs of the admin API. \
Secrets stay masked in the log; client secrets show on click.</p>
<section id="overview" aria-labelledby="overview-h"><h2 id="overview-h">Issuers</h2>${renderOverview(issuers)}</section>
${LOG}
${controls()}`;
  const script =
    `<script type="application/json" ` +
    `id="console-data">${scriptJson(overviewData(issuers, scenarios))}</script><script>` +
    `${CONSOLE_SCRIPT}</script>`;
  return consoleShell('Console', HEADER, body, script);
}
