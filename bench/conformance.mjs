// How long the conformance catalog takes for one client (target: at most 15 s on
// this 2-core machine), at several concurrencies. Run: npm run bench:conformance

import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startExampleApp } from '../dist/client/examples/web-app.js';
import {
  cases,
  commandAdapter,
  referenceClientAdapter,
  runConformance,
  summaryLine,
  toMarkdown,
  webAppAdapter,
} from '../dist/conformance/index.js';
import { startMockIdp } from '../dist/mock-idp/index.js';

// RSS alone cannot tell a leak from a heap V8 chose to grow (this process runs without
// the bin's heap flags): the heap still in use after a full collection can.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const liveHeapMb = () => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

const idp = await startMockIdp({ port: 0, logLevel: 'silent', profiles: ['generic'] });
const adapter = referenceClientAdapter();
const rssBefore = process.memoryUsage().rss;
const heapBefore = liveHeapMb();
for (const concurrency of [1, 6, 12]) {
  const report = await runConformance({ idp, adapter, concurrency });
  console.log(`conformance, ${cases.length} cases, concurrency ${concurrency}: ${summaryLine(report)}`);
  if (concurrency === 6) process.stdout.write(`\n${toMarkdown(report).split('\n').slice(0, 3).join('\n')}\n\n`);
}
console.log(
  `RSS ${(rssBefore / 2 ** 20).toFixed(0)} MB before, ` +
    `${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB after three catalog runs; heap in ` +
    `use after a full GC ${heapBefore.toFixed(0)} MB before, ${liveHeapMb().toFixed(0)} MB ` +
    `after`,
);

// The black-box adapters: the example web app (one case at a time, its client is fixed),
// and `mock-idp login` as a command (a process per login: its start-up dominates).
const app = await startExampleApp({
  issuer: idp.issuers.generic,
  clientId: 'bench-app',
  clientSecret: 'bench-app-secret',
  port: 0,
});
const web = await runConformance({
  idp,
  adapter: webAppAdapter({ url: app.url, whoami: '/me', backchannelLogoutPath: '/backchannel-logout' }),
  client: {
    clientId: 'bench-app',
    clientSecret: 'bench-app-secret',
    redirectUris: [`${app.url}/callback`],
    backchannelLogoutUri: `${app.url}/backchannel-logout`,
  },
});
console.log(`web adapter, example app: ${summaryLine(web)}`);
await app.close();
const bin = fileURLToPath(new URL('../dist/bin/mock-idp.cjs', import.meta.url));
const command = await runConformance({
  idp,
  adapter: commandAdapter({
    command:
      `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} login --issuer {issuer} ` +
      `--client-id {client_id} --timeout 8`,
  }),
});
console.log(`command adapter, mock-idp login (a node process per login): ${summaryLine(command)}`);
await idp.close();
