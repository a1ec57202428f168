import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { publicKeys } from '../../issuer/issuer-admin.js';
import { escapeHtml } from '../../kernel/html.js';
import { maskSecret } from '../../log/mask.js';
import { type JwtFact, jwtFacts } from './jwt-facts.js';
import { consoleShell, jsonBlock } from './shell.js';
import type { LoginOutcome } from './try-login.js';

function factList(facts: JwtFact[]): string {
  const item = (f: JwtFact) =>
    `<li class="${f.ok === true ? 'ok' : f.ok === false ? 'bad' : ''}">` +
    `<strong>${escapeHtml(f.label)}</strong> ${escapeHtml(f.value)}</li>`;
  return `<ul class="facts">${facts.map(item).join('')}</ul>`;
}

/** The console holds the whole token here, so the signature is checked too, against the issuer's published keys. */
async function signatureFact(token: string, outcome: LoginOutcome): Promise<JwtFact> {
  try {
    await jwtVerify(token, createLocalJWKSet({ keys: publicKeys(outcome.issuer) }), {
      currentDate: new Date(Date.now() + outcome.issuer.clockOffset * 1000),
    });
    return { label: 'signature', value: "verifies with the issuer's published JWKS", ok: true };
  } catch (error) {
    return { label: 'signature', value: `does not verify: ${(error as Error).message}`, ok: false };
  }
}

async function jwtSection(
  kind: string,
  token: unknown,
  outcome: LoginOutcome,
  audience: string[] | undefined,
): Promise<string> {
  if (typeof token !== 'string') return '';
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
    claims = decodeJwt(token) as Record<string, unknown>;
  } catch {
    return (
      `<div class="jwt"><h4>${escapeHtml(kind)}</h4><p class="meta">opaque: ` +
      `<code>${escapeHtml(maskSecret(token))}</code></p></div>`
    );
  }
  const facts = [
    await signatureFact(token, outcome),
    ...jwtFacts(header, claims, {
      issuer: outcome.issuer,
      signer: 'issuer',
      clientId: outcome.clientId,
      expectedAudience: audience,
      expectedIssuer: outcome.issuer.issuer,
    }),
  ];
  return `<div class="jwt" data-kind="${escapeHtml(kind)}"><h4>${escapeHtml(kind)} <code>\
${escapeHtml(maskSecret(token))}</code></h4>${factList(facts)}
  <div class="cols"><div><strong>Header</strong>${jsonBlock(header)}</div><div><strong>Claims</strong>\
${jsonBlock(claims)}</div></div></div>`;
}

/** The page the console's callback shows: the tokens decoded, or the error a strict client raised. */
export async function renderLoginResult(outcome: LoginOutcome): Promise<string> {
  const tokens = outcome.tokens ?? {};
  const response = Object.fromEntries(
    Object.entries(tokens).map(([k, v]) => [k, typeof v === 'string' && /token$/.test(k) ? maskSecret(v) : v]),
  );
  const sections = [
    await jwtSection('ID token', tokens.id_token, outcome, [outcome.clientId]),
    await jwtSection('Access token', tokens.access_token, outcome, undefined),
  ].join('');
  const body = `
<section>
  <div class="card">
    <h3>${outcome.error ? 'Login failed' : 'Logged in'} <span class="badge">${escapeHtml(outcome.issuer.name)}</span> \
<span class="badge">${escapeHtml(outcome.clientId)}</span></h3>
    <p class="meta">Authorization code + PKCE (S256), exchanged by the console as the client with openid-client, \
which checks the response as a strict client would.</p>
    ${
      outcome.error
        ? `<div class="error" role="alert">${escapeHtml(outcome.error)}</div><p class="meta">The request \
log shows what the issuer served and why: <a href="/#log">open the log</a>.</p>`
        : ''
    }
    ${outcome.tokens ? `<h4>Token response (tokens masked)</h4>${jsonBlock(response)}` : ''}
    ${sections}
    ${outcome.userinfo ? `<h4>Userinfo</h4>${jsonBlock(outcome.userinfo)}` : ''}
    <p><a href="/">Back to the console</a> · <a href="/#log">See this login in the log</a></p>
  </div>
</section>`;
  const header =
    '<header class="top"><span class="brand">mock-idp console</span><nav><a ' +
    'href="/">Overview</a><a href="/#log">Log</a><a ' +
    'href="/#controls">Controls</a></nav></header>';
  return consoleShell(outcome.error ? 'Login failed' : 'Logged in', header, body);
}
