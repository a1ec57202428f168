// CommonJS consumers: require() of mock-idp's ES modules (Node 20.19+, 22.12+, 24).
const { UserAgent, fixturePath } = require('mock-idp/helpers');
const { startMockIdp } = require('mock-idp');
process.stdout.write(
  JSON.stringify({ agent: typeof UserAgent, start: typeof startMockIdp, fixtures: fixturePath('clients') }),
);
