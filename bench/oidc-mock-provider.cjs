// Starts @mongodb-js/oidc-mock-provider for the side-by-side bench: node oidc-mock-provider.cjs <port> <jwk file>.
// Its CLI and its create() generate a 2048-bit RSA key at every start, and neither
// takes one, so the key generation it asks node:crypto for is answered with the
// bench's fixed key: no side pays for RSA generation. Everything else is its own code.
const crypto = require('node:crypto');
const { readFileSync } = require('node:fs');
const { promisify } = require('node:util');

const [port, keyFile] = process.argv.slice(2);
const privateKey = crypto.createPrivateKey({ key: JSON.parse(readFileSync(keyFile, 'utf8')), format: 'jwk' });
const publicKey = crypto.createPublicKey(privateKey);
const fixedKeyPair = (_type, _options, callback) => callback(null, publicKey, privateKey);
fixedKeyPair[promisify.custom] = async () => ({ publicKey, privateKey });
crypto.generateKeyPair = fixedKeyPair;

const { OIDCMockProvider } = require('@mongodb-js/oidc-mock-provider');

OIDCMockProvider.create({
  port: Number(port),
  hostname: '127.0.0.1',
  // Its CLI's default payload.
  getTokenPayload: () => ({
    expires_in: 3600,
    payload: { groups: ['testgroup'], sub: 'testuser', aud: 'resource-server-audience-value' },
  }),
}).then((provider) => console.log(`listening on ${provider.issuer}`));
