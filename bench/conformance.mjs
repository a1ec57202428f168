// How long the conformance catalog takes for one client (target: at most 15 s on
// this 2-core machine). Run: npm run build && node bench/conformance.mjs
import { UserAgent, startMockIdp } from '../dist/mock-idp/index.js';
import { clientSecretBasic, FlowManager, presets, RelyingPartyError } from '../dist/client/index.js';
import { cases, runConformance, toMarkdown } from '../dist/conformance/index.js';

const idp = await startMockIdp({ port: 0, logLevel: 'silent', profiles: ['generic'] });
const adapter = {
  name: 'mock-idp/client',
  async run({ issuer, clientId, clientSecret, redirectUri }) {
    const flows = new FlowManager(presets.generic(issuer, { clientId, clientAuth: clientSecretBasic(clientSecret), redirectUri }));
    try {
      const { url: callback } = await new UserAgent().navigate(await flows.start('u'), { until: (u) => u.href.startsWith(redirectUri) });
      const { claims } = await flows.finish('u', callback);
      await flows.userinfo('u');
      return { ok: true, claims };
    } catch (error) {
      return { ok: false, code: error instanceof RelyingPartyError ? error.code : undefined, message: error.message };
    }
  },
};
for (const concurrency of [1, 4, 8]) {
  const report = await runConformance({ idp, adapter, concurrency });
  console.log(`conformance, ${cases.length} cases, concurrency ${concurrency}: ${(report.durationMs / 1000).toFixed(2)} s (${report.summary.pass} pass, ${report.summary.fail} fail, ${report.summary.warn} warn)`);
  if (concurrency === 8) process.stdout.write(`\n${toMarkdown(report).split('\n').slice(0, 4).join('\n')}\n`);
}
await idp.close();
