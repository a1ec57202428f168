// How long the conformance catalog takes for one client (target: at most 15 s on
// this 2-core machine), at several concurrencies. Run: npm run bench:conformance
import { startMockIdp } from '../dist/mock-idp/index.js';
import { cases, referenceClientAdapter, runConformance, toMarkdown } from '../dist/conformance/index.js';

const idp = await startMockIdp({ port: 0, logLevel: 'silent', profiles: ['generic'] });
const adapter = referenceClientAdapter();
const rssBefore = process.memoryUsage().rss;
for (const concurrency of [1, 6, 12]) {
  const report = await runConformance({ idp, adapter, concurrency });
  const { pass, fail, warn, skip } = report.summary;
  console.log(`conformance, ${cases.length} cases, concurrency ${concurrency}: ${(report.durationMs / 1000).toFixed(2)} s (${pass} pass, ${fail} fail, ${warn} warn, ${skip} skip)`);
  if (concurrency === 6) process.stdout.write(`\n${toMarkdown(report).split('\n').slice(0, 3).join('\n')}\n\n`);
}
console.log(`RSS ${(rssBefore / 2 ** 20).toFixed(0)} MB before, ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB after three catalog runs`);
await idp.close();
