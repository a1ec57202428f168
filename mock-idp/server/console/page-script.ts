/**
 * The console page's script, plain ES2020 kept as a string: it runs in the
 * browser, not in Node, and a string survives the CLI bundle unchanged. It
 * builds every dynamic node with textContent (never innerHTML from data), so a
 * logged value cannot inject markup. No template literals inside: this file
 * is itself one. Non-ASCII characters are written as \u escapes, which the
 * browser reads in its string literals: one raw character would make the whole
 * CLI bundle a two-byte string in V8, slower to read at every start.
 */
export const CONSOLE_SCRIPT = String.raw`(function () {
'use strict';
var SEP = ' \u00b7 ';
var ARROW = ' \u2192 ';
var MORE = '\u2026';
var data = JSON.parse(document.getElementById('console-data').textContent);
var token = sessionStorage.getItem('mockIdpAdminToken') || '';
var records = [];
var byId = new Map();
var openIds = new Set();
var MAX_RECORDS = 1000;
var view = 'logins';

function $(id) { return document.getElementById(id); }
function el(tag, attrs, children) {
  var node = document.createElement(tag);
  if (attrs) Object.keys(attrs).forEach(function (k) {
    if (k === 'text') node.textContent = attrs[k];
    else if (k === 'class') node.className = attrs[k];
    else if (attrs[k] !== undefined && attrs[k] !== null) node.setAttribute(k, attrs[k]);
  });
  (children || []).forEach(function (c) {
    if (c) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
  return node;
}
function svg(tag, attrs, text) {
  var node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
  if (text !== undefined) node.textContent = text;
  return node;
}
function headers(json) {
  var h = {};
  if (json) h['content-type'] = 'application/json';
  if (token) h.authorization = 'Bearer ' + token;
  return h;
}
function askToken() { $('token-bar').classList.add('shown'); }
async function api(method, path, body) {
  var res = await fetch(path, { method: method, headers: headers(body !== undefined),
    body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  var text = await res.text();
  var json;
  try { json = JSON.parse(text); } catch (e) { json = { error: 'HTTP ' + res.status, error_description: text.slice(0,
    200) }; }
  if (res.status === 401) askToken();
  if (!res.ok) throw new Error((json.error || ('HTTP ' + res.status)) + (json.error_description ? ': '
    + json.error_description : ''));
  return json;
}
function enc(v) { return encodeURIComponent(v); }
function statusClass(s) { return s === undefined ? '' : s >= 500 ? 'bad' : s >= 400 ? 'bad' : s >= 300 ? 'warn' : 'ok';
  }

/* ---------- overview: secrets behind a click, try a login ---------- */
document.addEventListener('click', async function (event) {
  var button = event.target.closest && event.target.closest('button');
  if (!button) return;
  if (button.classList.contains('reveal')) {
    var code = button.closest('.client').querySelector('code.secret');
    if (!code.hidden) { code.hidden = true; code.textContent = ''; button.textContent = 'Reveal secret';
      button.setAttribute('aria-expanded', 'false'); return; }
    try {
      var got = await api('GET',
        '/_console/secret?issuer=' + enc(button.dataset.issuer) + '&client_id=' + enc(button.dataset.client));
      code.textContent = got.client_secret;
      code.hidden = false;
      button.textContent = 'Hide secret';
      button.setAttribute('aria-expanded', 'true');
    } catch (e) { code.hidden = false; code.textContent = e.message; }
  }
  if (button.classList.contains('try-login')) {
    var box = button.closest('.client');
    var note = box.querySelector('.try-note') || box.appendChild(el('div', { class: 'why try-note', role: 'status' }));
    button.disabled = true;
    note.textContent = 'registering the console callback\u2026';
    try {
      var issuer = button.dataset.issuer, client = button.dataset.client;
      await api('POST', '/_admin/issuers/' + enc(issuer) + '/clients/' + enc(client) + '/redirect_uris', {
        redirect_uri: location.origin + '/_console/callback' });
      var started = await api('POST', '/_console/logins', { issuer: issuer, client_id: client });
      location.assign(started.authorization_url);
    } catch (e) { note.textContent = e.message; button.disabled = false; }
  }
});

/* ---------- the live log ---------- */
function fill(select, values, keep) {
  var current = select.value;
  while (select.options.length > (keep || 0)) select.remove(keep || 0);
  values.forEach(function (v) { select.appendChild(el('option', { value: v, text: v })); });
  if (values.indexOf(current) >= 0 || (current === '' && keep)) select.value = current;
}
function knownIssuers() {
  var names = data.issuers.map(function (i) { return i.name; });
  records.forEach(function (r) { if (r.issuer && names.indexOf(r.issuer) < 0) names.push(r.issuer); });
  return names;
}
function knownClients() {
  var issuer = $('f-issuer').value, ids = [];
  data.issuers.forEach(function (i) { if (!issuer || i.name === issuer) i.clients.forEach(function (c) {
    if (ids.indexOf(c) < 0) ids.push(c); }); });
  records.forEach(function (r) {
    if (r.clientId && (!issuer || r.issuer === issuer) && ids.indexOf(r.clientId) < 0) ids.push(r.clientId); });
  return ids;
}
function refreshFilters() {
  fill($('f-issuer'), knownIssuers(), 1);
  fill($('f-client'), knownClients(), 1);
}
function matches(r) {
  var issuer = $('f-issuer').value, client = $('f-client').value, status = $('f-status').value;
  if (issuer && r.issuer !== issuer) return false;
  if (client && r.clientId !== client) return false;
  if (status === 'ok' && !(r.status < 400)) return false;
  if (status === 'failed' && !(r.status >= 400)) return false;
  if ((status === '4' || status === '5') && String(r.status).charAt(0) !== status) return false;
  return true;
}
function jsonPre(value) { return el('pre', { class: 'json', text: JSON.stringify(value, null, 2) }); }
function facts(list) {
  return el('ul', { class: 'facts' }, list.map(function (f) {
    return el('li', { class: f.ok === true ? 'ok' : f.ok === false ? 'bad' : '' }, [el('strong', { text: f.label }),
      ' ' + f.value]);
  }));
}
function requestBody(r) {
  var parts = [];
  if (r.help) {
    parts.push(el('div', { class: 'help', role: 'note' }, [
      el('p', {}, [el('strong', { text: 'Rule broken: ' }), r.help.rule]),
      el('p', {}, [el('strong', { text: 'How to fix: ' }), r.help.fix]),
    ].concat(r.help.details.map(function (d) { return el('p', { class: 'meta', text: d }); }))));
  }
  if (r.faults && r.faults.length) parts.push(el('p', { class: 'meta' }, ['Scenario faults served: ', el('code', {
    text: r.faults.join(', ') })]));
  r.jwts.forEach(function (j) {
    parts.push(el('div', { class: 'jwt', 'data-kind': j.kind }, [
      el('h4', { text: 'JWT: ' + j.kind }), facts(j.facts),
      el('div', { class: 'cols' }, [el('div', {}, [el('strong', { text: 'Header' }), jsonPre(j.header)]), el('div', {},
        [el('strong', { text: 'Claims' }), jsonPre(j.claims)])]),
    ]));
  });
  if (Object.keys(r.query).length) parts.push(el('div', {}, [el('strong', { text: 'Query (secrets masked)' }),
    jsonPre(r.query)]));
  if (Object.keys(r.body).length) parts.push(el('div', {}, [el('strong', { text: 'Body (secrets masked)' }),
    jsonPre(r.body)]));
  if (!r.help && r.notes && r.notes.length) parts.push(el('p', { class: 'meta', text: r.notes.join(SEP) }));
  if (r.clientAuth) parts.push(el('p', { class: 'meta' }, ['Client authentication: ', el('code', {
    text: r.clientAuth })]));
  if (!parts.length) parts.push(el('p', { class: 'meta', text: 'Nothing more was recorded for this request.' }));
  return el('div', { class: 'body' }, parts);
}
function requestRow(r) {
  var time = (r.time || '').slice(11, 19);
  var who = [r.issuer, r.clientId, r.route].filter(Boolean).join(SEP);
  var row = el('details', { class: 'req' + (r.status >= 400 ? ' failed' : ''), 'data-id': String(r.id),
    'data-status': String(r.status) }, [
    el('summary', {}, [
      el('span', { class: 'meta', style: 'margin:0', text: time }),
      el('span', { class: 'status ' + statusClass(r.status), text: String(r.status) }),
      el('span', { class: 'path', text: r.method + ' ' + r.path }),
      el('span', { class: 'who',
        text: who + (r.error ? SEP + r.error : '') + (r.jwts.length ? SEP + r.jwts.length + ' JWT' : '') }),
    ]),
  ]);
  if (openIds.has(r.id)) { row.open = true; row.appendChild(requestBody(r)); }
  row.addEventListener('toggle', function () {
    if (row.open) { openIds.add(r.id); if (!row.querySelector('.body')) row.appendChild(requestBody(r)); }
    else openIds.delete(r.id);
  });
  return row;
}

/* A login: an authorization request and what follows it for the same issuer and client. */
var LOGIN_STEPS = { authorization: 1, resume: 1, interaction: 1, console_callback: 1, token: 1, userinfo: 1 };
function stepName(r) {
  if (r.route === 'authorization') return 'authorize';
  if (r.route === 'resume') return 'resume';
  if (r.route === 'console_callback') return 'callback';
  if (r.route === 'token') return 'token';
  if (r.route === 'userinfo') return 'userinfo';
  return 'login';
}
function isInteraction(r) {
  return r.route === 'interaction' || /\/interaction\//.test(r.path) || /\/(login|consent)(\/|$)/.test(r.route || ''); }
function groupLogins(list) {
  var logins = [], openByIssuer = {};
  list.forEach(function (r) {
    var key = r.issuer || '';
    if (r.route === 'authorization') {
      var login = { issuer: r.issuer, clientId: r.clientId, steps: [r] };
      openByIssuer[key] = login;
      logins.push(login);
      return;
    }
    var current = openByIssuer[key];
    if (!current) return;
    if (r.clientId && current.clientId && r.clientId !== current.clientId) return;
    if (LOGIN_STEPS[r.route] || isInteraction(r)) {
      current.steps.push(r);
      if (r.route === 'userinfo') delete openByIssuer[key];
    }
  });
  return logins;
}
var LANE_NAMES = ['Browser', 'App', 'IdP'];
/* Drawn at the width it is shown, so its text stays 12 px on a phone and on a wide screen. */
function lanesFor(width) { return [0, 0.5, 1].map(function (f, i) { return [LANE_NAMES[i],
  Math.round(50 + (width - 100) * f)]; }); }
function shortPath(path) {
  return path.replace(/^\/[^/]+(?=\/)/, MORE).split('/').map(function (seg) { return seg.length > 16 ? seg.slice(0,
    6) + MORE : seg; }).join('/');
}
function arrowFor(step) {
  var name = stepName(step);
  if (name === 'callback') return [0, 1];
  if (name === 'token' || name === 'userinfo') return [1, 2];
  return [0, 2];
}
function diagram(login) {
  var steps = login.steps.slice();
  var hasCallback = steps.some(function (s) { return s.route === 'console_callback'; });
  var tokenAt = steps.findIndex(function (s) { return s.route === 'token'; });
  var rows = steps.map(function (s) {
    var faults = s.faults && s.faults.length ? ' \u00b7 fault: ' + s.faults.join(', ') : '';
    return { step: s, from: arrowFor(s)[0], to: arrowFor(s)[1],
      label: stepName(s) + SEP + s.method + ' ' + shortPath(s.path) + ARROW + s.status + (s.error ? ' ' + s.error
      : '') + faults };
  });
  if (!hasCallback && tokenAt >= 0) rows.splice(tokenAt, 0, { from: 0, to: 1,
    label: 'callback (to the app: not seen by the IdP)', inferred: true });
  var height = 46 + rows.length * 34;
  var width = Math.max(320, Math.min(860, ($('logins').clientWidth || 700) - 24));
  var LANES = lanesFor(width);
  var root = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, width: width, height: height, role: 'img',
    'aria-label': 'Sequence diagram of the login' });
  LANES.forEach(function (lane) {
    root.appendChild(svg('rect', { class: 'actor', x: lane[1] - 45, y: 4, width: 90, height: 24, rx: 6 }));
    root.appendChild(svg('text', { x: lane[1], y: 21, 'text-anchor': 'middle' }, lane[0]));
    root.appendChild(svg('line', { class: 'lane', x1: lane[1], y1: 28, x2: lane[1], y2: height - 4 }));
  });
  rows.forEach(function (row, i) {
    var y = 58 + i * 34, x1 = LANES[row.from][1], x2 = LANES[row.to][1];
    var bad = row.step && row.step.status >= 400;
    var tone = bad ? ' bad' : row.step && ((row.step.faults && row.step.faults.length) || (row.step.notes
      && row.step.notes.length && row.step.route === 'console_callback')) ? ' warn' : '';
    var cls = 'arrow' + tone;
    root.appendChild(svg('line', { class: cls, x1: x1, y1: y, x2: x2 - 8, y2: y,
      'stroke-dasharray': row.inferred ? '5 4' : '' }));
    root.appendChild(svg('path', { class: 'head' + tone, d: 'M' + x2 + ' ' + y + ' l-9 -5 v10 z' }));
    var room = Math.floor((Math.abs(x2 - x1) + 70) / 6.4);
    var label = svg('text', { x: (x1 + x2) / 2, y: y - 6, 'text-anchor': 'middle',
      class: row.inferred ? 'muted' : '' }, row.label.length > room ? row.label.slice(0, room - 1) + MORE : row.label);
    if (row.step) label.appendChild(svg('title', {},
      row.step.method + ' ' + row.step.path + ARROW + row.step.status
      + (row.step.error ? ' ' + row.step.error : '')));
    root.appendChild(label);
  });
  var failed = login.steps.filter(function (s) { return s.status >= 400; });
  var title = el('div', { class: 'line' }, [
    el('strong', { text: login.issuer + SEP + (login.clientId || 'unknown client') }),
    ' ',
    el('span', { class: 'meta', style: 'margin:0', text: (login.steps[0].time || '').slice(11,
      19) + SEP + login.steps.length + ' requests' + (failed.length ? SEP + failed.length + ' failed' : '') }),
  ]);
  var details = el('div', { class: 'log' }, login.steps.map(requestRow));
  /* The log is redrawn as requests arrive: a list someone opened stays open. */
  var key = 'login-' + login.steps[0].id;
  var list = el('details', {}, [el('summary', { text: 'Requests of this login' }), details]);
  list.open = openIds.has(key);
  list.addEventListener('toggle', function () { if (list.open) openIds.add(key); else openIds.delete(key); });
  return el('div', { class: 'diagram login', 'data-client': login.clientId || '' }, [title, root, list]);
}

var pending = false;
function render() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(function () {
    pending = false;
    var shown = records.filter(matches);
    var requests = $('requests'), logins = $('logins');
    requests.replaceChildren.apply(requests, shown.slice().reverse().slice(0, 300).map(requestRow));
    if (!shown.length) requests.appendChild(el('p', { class: 'empty',
      text: records.length ? 'No request matches the filters.' : 'No requests yet.' }));
    var groups = groupLogins(records).filter(function (l) {
      return l.steps.some(matches) && (!$('f-client').value || l.clientId === $('f-client').value);
    }).reverse().slice(0, 30);
    logins.replaceChildren.apply(logins, groups.map(diagram));
    if (!groups.length) logins.appendChild(el('p', { class: 'empty',
      text: 'No logins yet: press "Try a login" on a client, or point your app at an issuer.' }));
  });
}
function add(record) {
  if (byId.has(record.id)) return;
  byId.set(record.id, record);
  records.push(record);
  if (records.length > MAX_RECORDS) byId.delete(records.shift().id);
  refreshFilters();
  render();
}
['f-issuer', 'f-client', 'f-status'].forEach(function (id) {
  $(id).addEventListener('change', function () { if (id === 'f-issuer') refreshFilters(); render(); });
});
function setView(next) {
  view = next;
  $('v-logins').setAttribute('aria-pressed', String(next === 'logins'));
  $('v-requests').setAttribute('aria-pressed', String(next === 'requests'));
  $('logins').hidden = next !== 'logins';
  $('requests').hidden = next !== 'requests';
}
$('v-logins').addEventListener('click', function () { setView('logins'); });
$('v-requests').addEventListener('click', function () { setView('requests'); });

/* Server-Sent Events read with fetch, so the admin token can go in a header (EventSource sends none). */
var streamAbort;
async function stream() {
  if (streamAbort) streamAbort.abort();
  var controller = new AbortController();
  streamAbort = controller;
  var live = $('live');
  var lastId = records.length ? records[records.length - 1].id : 0;
  try {
    var res = await fetch('/_console/events?since=' + lastId, { headers: headers(false), signal: controller.signal,
      cache: 'no-store' });
    if (res.status === 401 || res.status === 403) {
      live.textContent = res.status === 401 ? 'needs the admin token' : 'admin API refused';
      live.className = 'badge bad';
      if (res.status === 401) askToken();
      return;
    }
    live.textContent = 'live';
    live.className = 'badge ok';
    var reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    var buffer = '';
    for (;;) {
      var chunk = await reader.read();
      if (chunk.done) break;
      buffer += chunk.value;
      var end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        var block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        var type = 'message', payload = '';
        block.split('\n').forEach(function (line) {
          if (line.indexOf('event: ') === 0) type = line.slice(7);
          else if (line.indexOf('data: ') === 0) payload += line.slice(6);
        });
        if (type === 'request') add(JSON.parse(payload));
      }
    }
  } catch (e) {
    if (controller.signal.aborted) return;
  }
  if (controller.signal.aborted) return;
  live.textContent = 'reconnecting\u2026';
  live.className = 'badge warn';
  setTimeout(stream, 2000);
}

$('token-bar').addEventListener('submit', function (event) {
  event.preventDefault();
  token = $('admin-token').value.trim();
  sessionStorage.setItem('mockIdpAdminToken', token);
  stream();
});

/* ---------- controls, each through the admin API ---------- */
function fillControls() {
  var names = data.issuers.map(function (i) { return i.name; });
  document.querySelectorAll('select.issuer-select').forEach(function (s) { fill(s, names); });
  document.querySelectorAll('select.client-select').forEach(function (s) {
    var issuer = data.issuers.find(function (i) { return i.name === $(s.dataset.issuerFrom).value; });
    fill(s, issuer ? issuer.clients : []);
  });
  fill($('s-name'), data.scenarios);
}
document.querySelectorAll('select.issuer-select').forEach(function (s) { s.addEventListener('change', fillControls); });
async function refreshOverview() {
  var res = await fetch('/', { headers: { accept: 'text/html' } });
  var doc = new DOMParser().parseFromString(await res.text(), 'text/html');
  $('overview').replaceWith(doc.getElementById('overview'));
  data = JSON.parse(doc.getElementById('console-data').textContent);
  fillControls();
  refreshFilters();
}
function v(id) { return $(id).value.trim(); }
var ACTIONS = {
  arm: function () { return api('PUT',
    '/_admin/issuers/' + enc(v('s-issuer')) + '/clients/' + enc(v('s-client')) + '/scenario', {
    name: v('s-name') }).then(function (r) { return 'armed ' + r.scenario + ' on ' + r.client_id; }); },
  disarm: function () { return api('DELETE',
    '/_admin/issuers/' + enc(v('s-issuer')) + '/clients/' + enc(v('s-client')) + '/scenario').then(function (r) {
    return r.disarmed ? 'disarmed' : 'nothing was armed'; }); },
  rotate: function () { return api('POST', '/_admin/issuers/' + enc(v('k-issuer')) + '/keys/rotate', {
    alg: v('k-alg') }).then(function (r) { $('k-kid').value = r.kid; return 'new signing key ' + r.kid; }); },
  'list-keys': function () { return api('GET', '/_admin/issuers/' + enc(v('k-issuer')) + '/keys').then(function (r) {
    return r.keys.map(function (k) { return k.kid + ' (' + k.alg + ')'; }).join(', '); }); },
  retire: function () { return api('DELETE',
    '/_admin/issuers/' + enc(v('k-issuer')) + '/keys/' + enc(v('k-kid'))).then(function (r) {
    return 'retired ' + r.retired; }); },
  shift: function () { return api('PUT', '/_admin/issuers/' + enc(v('t-issuer')) + '/clock', {
    offsetSeconds: Number(v('t-offset')) }).then(function (r) {
    return r.issuer + ' runs ' + r.offsetSeconds + ' s off real time'; }); },
  'read-clock': function () { return api('GET', '/_admin/issuers/' + enc(v('t-issuer')) + '/clock').then(function (r) {
    $('t-offset').value = r.offsetSeconds; return r.issuer + ' runs ' + r.offsetSeconds + ' s off real time'; }); },
  'add-user': function () {
    var claims = {};
    if (v('u-name')) claims.name = v('u-name');
    if (v('u-email')) claims.email = v('u-email');
    return api('PUT', '/_admin/issuers/' + enc(v('u-issuer')) + '/users/' + enc(v('u-sub')), {
      claims: claims }).then(function (r) { return refreshOverview().then(function () {
      return 'user ' + r.sub + ' saved'; }); });
  },
  'add-client': function () {
    var body = { token_endpoint_auth_method: v('n-auth'), redirect_uris: v('n-redirect') ? [v('n-redirect')] : [] };
    if (v('n-secret')) body.client_secret = v('n-secret');
    return api('PUT', '/_admin/issuers/' + enc(v('n-issuer')) + '/clients/' + enc(v('n-id')), body).then(function (r) {
      return refreshOverview().then(function () { return 'client ' + r.client_id + ' saved'; }); });
  },
  reset: function () { return api('POST', '/_admin/reset', {}).then(function (r) { records = []; byId.clear();
    render(); return refreshOverview().then(function () { return 'reset ' + r.reset.join(', '); }); }); },
};
async function run(action, form) {
  var output = form.closest('.control').querySelector('output');
  output.className = '';
  output.textContent = MORE;
  try { output.textContent = '\u2713 ' + await ACTIONS[action](); }
  catch (e) { output.className = 'bad'; output.textContent = e.message; }
}
document.querySelectorAll('.control form').forEach(function (form) {
  form.addEventListener('submit', function (event) { event.preventDefault(); run(form.dataset.action, form); });
  form.querySelectorAll('button[data-action]').forEach(function (b) {
    b.addEventListener('click', function () { if (form.reportValidity()) run(b.dataset.action, form); });
  });
});

fillControls();
refreshFilters();
if (location.hash === '#requests') setView('requests');
stream();
})();`;
