// npm run soak: 50 concurrent login flows for 60 s across every issuer, then a memory
// attack (oversized bodies, hundreds of scenario copies, token minting), against the built
// CLI in its own process under a 160 MB heap cap. Prints errors, p50/p99 latency and an RSS
// series; exits 1 when a flow fails, the process dies, or RSS keeps growing past its plateau.
// MOCK_IDP_SOAK_SECONDS (60), MOCK_IDP_SOAK_ATTACK_SECONDS (20), MOCK_IDP_SOAK_CONCURRENCY (50) and
// MOCK_IDP_SOAK_STORE_SIZE (2000 entries per issuer) change the run.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bannerUrl } from './banner.mjs';
import { driver } from './http-driver.mjs';
import { pkceAuthorization, REDIRECT_URI } from './pkce-request.mjs';
import { rssMb } from './process-stats.mjs';

const SECONDS = Number(process.env.MOCK_IDP_SOAK_SECONDS ?? 60);
const ATTACK_SECONDS = Number(process.env.MOCK_IDP_SOAK_ATTACK_SECONDS ?? 20);
const CONCURRENCY = Number(process.env.MOCK_IDP_SOAK_CONCURRENCY ?? 50);
// Small enough that every issuer's store fills within the run: memory must then level off.
const STORE_SIZE = Number(process.env.MOCK_IDP_SOAK_STORE_SIZE ?? 2000);
const SECRET = 'soak-client-secret-0123456789';
const cli = fileURLToPath(new URL('../dist/bin/mock-idp.cjs', import.meta.url));

// Every profile, each with one extra confidential client the flows use; lenient, so each
// profile's strict request rules (nonce length, scope lists) do not need a flow of their own.
const PROFILES = ['generic', 'auth0', 'okta', 'gitlab', 'stitch', 'stackexchange'];
const SCOPES = {
  generic: 'openid offline_access',
  auth0: 'openid offline_access',
  okta: 'openid offline_access',
  gitlab: 'openid',
  stitch: 'openid accounts offline_access',
  stackexchange: 'private_info',
};
const dir = mkdtempSync(join(tmpdir(), 'mock-idp-soak-'));
const configFile = join(dir, 'soak.json');
writeFileSync(
  configFile,
  JSON.stringify({
    storeSize: STORE_SIZE,
    issuers: PROFILES.map((profile) => ({
      name: profile,
      profile,
      lenient: true,
      extraClients: [
        {
          client_id: 'soak-client',
          client_secret: SECRET,
          token_endpoint_auth_method: 'client_secret_post',
          redirect_uris: [REDIRECT_URI],
          ...(profile === 'stackexchange' ? { key: 'soak-key((' } : {}),
          grant_types:
            profile === 'stackexchange'
              ? ['authorization_code']
              : ['authorization_code', 'refresh_token', 'client_credentials'],
        },
      ],
    })),
  }),
);

const child = spawn(
  process.execPath,
  ['--max-old-space-size=160', cli, 'serve', '--port', '0', '--config', configFile],
  {
    env: { ...process.env, MOCK_IDP_LOG_LEVEL: 'error', MOCK_IDP_LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
let exitCode;
child.on('exit', (code, signal) => {
  exitCode = code ?? signal;
});
let stderr = '';
child.stderr.on('data', (d) => {
  stderr += d;
});
const url = await bannerUrl(child, () => stderr);
const rss = () => (exitCode === undefined ? Math.round(rssMb(child.pid)) : 0);

const { issuers } = await (await fetch(`${url}/_admin/issuers`)).json();
const endpoints = [];
for (const issuer of issuers) {
  let authorization;
  let token;
  if (issuer.discovery) {
    const doc = await (await fetch(issuer.discovery)).json();
    ({ authorization_endpoint: authorization, token_endpoint: token } = doc);
  } else {
    ({ authorization, token } = issuer.endpoints);
    token = `${token}/json`;
  }
  endpoints.push({ name: issuer.name, profile: issuer.profile, authorization, token });
}

const latencies = [];
const errors = new Map();
let flows = 0;
const noteError = (name, error) => {
  const key = `${name}: ${String(error.message ?? error)
    .replace(/state=[^&\s]+/g, 'state=…')
    .slice(0, 160)}`;
  errors.set(key, (errors.get(key) ?? 0) + 1);
};

async function codeFlow(issuer) {
  const { url: authorize, verifier } = pkceAuthorization(issuer.authorization, {
    client_id: 'soak-client',
    scope: SCOPES[issuer.profile],
    state: randomBytes(16).toString('hex'),
    ...(issuer.profile === 'stackexchange' ? {} : { nonce: randomBytes(16).toString('hex') }),
  });
  const callback = await driver.navigate(authorize, (u) => u.href.startsWith(REDIRECT_URI));
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code: ${callback.search.slice(0, 120)}`);
  const tokens = await driver.postForm(
    issuer.token,
    {},
    new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
      client_id: 'soak-client',
      client_secret: SECRET,
    }),
  );
  if (!tokens.access_token) throw new Error(`no access token: ${JSON.stringify(tokens).slice(0, 160)}`);
  if (tokens.refresh_token) {
    const refreshed = await driver.postForm(
      issuer.token,
      {},
      new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: 'soak-client',
        client_secret: SECRET,
        redirect_uri: REDIRECT_URI,
      }),
    );
    if (!refreshed.access_token) throw new Error(`refresh failed: ${JSON.stringify(refreshed).slice(0, 160)}`);
  }
}

const series = [];
const started = Date.now();
const sampler = setInterval(
  () => series.push({ s: Math.round((Date.now() - started) / 1000), phase: phase, rss: rss() }),
  5000,
);
let phase = 'flows';

// Phase 1: flows.
const until = Date.now() + SECONDS * 1000;
let turn = 0;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (Date.now() < until && exitCode === undefined) {
      const issuer = endpoints[turn++ % endpoints.length];
      const t0 = performance.now();
      try {
        await codeFlow(issuer);
        latencies.push(performance.now() - t0);
      } catch (error) {
        noteError(issuer.name, error);
      }
      flows += 1;
    }
  }),
);
const flowsRss = rss();

// Phase 2: memory attack.
phase = 'attack';
const attack = { bigBodies: 0, scenarioCopies: 0, minted: 0, refused: 0 };
const port = Number(new URL(url).port);
function bigPost(path, size, type) {
  return new Promise((resolve) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': type, 'content-length': size } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', () => resolve('reset'));
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        const piece = chunk.subarray(0, Math.min(chunk.length, size - sent));
        sent += piece.length;
        if (!req.write(piece)) return req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}
const stitch = endpoints.find((e) => e.profile === 'stitch');
const generic = endpoints.find((e) => e.profile === 'generic');
const attackUntil = Date.now() + ATTACK_SECONDS * 1000;
const mint = async (tokenUrl) => {
  const body = await driver.postForm(
    tokenUrl,
    {},
    new URLSearchParams({ grant_type: 'client_credentials', client_id: 'soak-client', client_secret: SECRET }),
  );
  if (body.access_token) attack.minted += 1;
  else attack.refused += 1;
  return body.access_token;
};
const stitchToken = await mint(stitch.token);
const scenarioNames = ['id-token-aud-wrong', 'id-token-iss-wrong', 'id-token-aud-missing'];
await Promise.all([
  (async () => {
    while (Date.now() < attackUntil && exitCode === undefined) {
      const status = await new Promise((resolve) => {
        const size = 50 * 1024 * 1024;
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            path: new URL(`${stitch.token.replace(/\/connect\/token$/, '')}/graphql`).pathname,
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${stitchToken}`,
              'content-length': size,
            },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode));
          },
        );
        req.on('error', () => resolve('reset'));
        req.end(Buffer.alloc(size, 'a'));
      });
      if (status !== 413 && status !== 'reset') noteError('attack graphql', new Error(`status ${status}`));
      attack.bigBodies += 1;
      const other = await bigPost(
        new URL(generic.token).pathname,
        5 * 1024 * 1024,
        'application/x-www-form-urlencoded',
      );
      if (typeof other === 'number' && other >= 500) noteError('attack token body', new Error(`status ${other}`));
      attack.bigBodies += 1;
    }
  })(),
  ...Array.from({ length: 8 }, async (_, w) => {
    let i = 0;
    while (Date.now() < attackUntil && exitCode === undefined) {
      const segment = `${scenarioNames[i % scenarioNames.length]}~soak-${w}-${i++}`;
      const copyToken = `${generic.token.replace(/\/token$/, '')}/s/${segment}/token`;
      try {
        await mint(copyToken);
        attack.scenarioCopies += 1;
        for (let k = 0; k < 5; k++) await mint(generic.token);
      } catch (error) {
        noteError('attack mint', error);
      }
    }
  }),
]);
clearInterval(sampler);
series.push({ s: Math.round((Date.now() - started) / 1000), phase: 'end', rss: rss() });
const health = await fetch(`${url}/health`)
  .then((r) => r.status)
  .catch(() => 0);
const alive = exitCode === undefined;
child.kill('SIGTERM');

latencies.sort((a, b) => a - b);
const pct = (p) =>
  latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))].toFixed(1) : 'n/a';
// The plateau: the highest RSS of the flow phase's second half (after warm-up). The run fails if
// the end of the attack sits well above it: memory that keeps growing rather than levelling off.
const flowSamples = series.filter((x) => x.phase === 'flows');
const plateau = Math.max(...flowSamples.slice(Math.floor(flowSamples.length / 2)).map((x) => x.rss), flowsRss);
const final = series.at(-1).rss;
const limit = Math.round(plateau * 1.3 + 30);

console.log(
  `mock-idp soak: ${CONCURRENCY} concurrent flows for ${SECONDS} s on ${endpoints.length} ` +
    `issuers (storeSize ${STORE_SIZE}), then ${ATTACK_SECONDS} s of memory attack`,
);
console.log(
  `flows              ${flows} (${(flows / SECONDS).toFixed(1)}/s), failed ` +
    `${[...errors.entries()].filter(([k]) => !k.startsWith('attack')).reduce((n, [, c]) => n + c, 0)}`,
);
console.log(`latency p50/p99    ${pct(0.5)} / ${pct(0.99)} ms`);
console.log(
  `attack             ${attack.bigBodies} oversized bodies, ${attack.scenarioCopies} ` +
    `scenario copies, ${attack.minted} tokens minted (${attack.refused} refused)`,
);
console.log(`process alive      ${alive}, /health ${health}`);
console.log(`RSS plateau/final  ${plateau} / ${final} MB (limit ${limit})`);
console.log('\nRSS series (s, phase, MB):');
for (const x of series) console.log(`  ${String(x.s).padStart(4)}  ${x.phase.padEnd(6)}  ${x.rss}`);
if (errors.size) {
  console.log('\nerrors:');
  for (const [key, count] of errors) console.log(`  ${count} × ${key}`);
}
const ok = alive && health === 200 && errors.size === 0 && final <= limit;
console.log(ok ? '\nPASS' : '\nFAIL');
process.exit(ok ? 0 : 1);
