import { describeConformance } from '../../../conformance/vitest.js';
import { flawedClients } from '../../../fixtures/clients/flawed/index.js';

// A client that checks no time claim: one MUST failure, one SHOULD warning, one MAY note, one skip.
const noTimeChecks = flawedClients.find((f) => f.flaw === 'no-time-checks')!;
describeConformance(noTimeChecks.adapter, {
  only: ['happy-path', 'id-token-exp-past', 'id-token-nbf-future', 'id-token-iat-future', 'open-redirect-return-to'],
});
