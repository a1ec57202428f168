import { defineCases } from '../types.js';
import { authenticatedWith } from './evidence.js';

/**
 * Every token endpoint authentication method, judged on what arrived: the
 * method, and for assertions iss, sub, aud, exp and a jti never reused (two
 * logins, so two assertions).
 */
export default defineCases(
  // ':' '%' '+' and a space: RFC 6749 2.3.1 form-encodes id and secret before Base64.
  {
    id: 'client-secret-basic',
    aliases: ['rp-token_endpoint-client_secret_basic'],
    title: 'Authenticates with client_secret_basic, form-encoding the secret',
    area: 'client-auth',
    refs: ['RFC 6749 2.3.1', 'OIDC Core 9'],
    level: 'MUST',
    client: { tokenEndpointAuthMethod: 'client_secret_basic', secret: 'p@ss:w%rd+with spaces/and=more-0123456789' },
    expect: 'accept',
    evidence: authenticatedWith('client_secret_basic'),
  },
  {
    id: 'client-secret-post',
    aliases: ['rp-token_endpoint-client_secret_post'],
    title: 'Authenticates with client_secret_post',
    area: 'client-auth',
    refs: ['RFC 6749 2.3.1', 'OIDC Core 9'],
    level: 'MUST',
    client: { tokenEndpointAuthMethod: 'client_secret_post' },
    expect: 'accept',
    evidence: authenticatedWith('client_secret_post'),
  },
  {
    id: 'client-secret-jwt',
    aliases: ['rp-token_endpoint-client_secret_jwt'],
    title: 'Authenticates with client_secret_jwt: fresh jti, right aud',
    area: 'client-auth',
    refs: ['OIDC Core 9', 'RFC 7523 3'],
    level: 'MUST',
    client: { tokenEndpointAuthMethod: 'client_secret_jwt' },
    script: ['login', 'login'],
    expect: 'accept',
    evidence: authenticatedWith('client_secret_jwt'),
  },
  {
    id: 'private-key-jwt',
    aliases: ['rp-token_endpoint-private_key_jwt'],
    title: 'Authenticates with private_key_jwt: fresh jti, right aud',
    area: 'client-auth',
    refs: ['OIDC Core 9', 'RFC 7523 3'],
    level: 'MUST',
    client: { tokenEndpointAuthMethod: 'private_key_jwt' },
    script: ['login', 'login'],
    expect: 'accept',
    evidence: authenticatedWith('private_key_jwt'),
  },
);
