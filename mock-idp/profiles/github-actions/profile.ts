import { defineProfile } from '../../kernel/plugin-types.js';
import { githubActionsDiscovery, githubActionsEndpoints, githubActionsJwks, JWKS_PATH } from './discovery.js';
import { githubActionsIdToken } from './id-token.js';

/**
 * GitHub Actions' OIDC issuer (token.actions.githubusercontent.com): workload identity for CI jobs, which cloud
 * federation code (AWS, Azure, GCP, Vault, PyPI…) verifies. A job asks for a token at its
 * ACTIONS_ID_TOKEN_REQUEST_URL with the ACTIONS_ID_TOKEN_REQUEST_TOKEN bearer and the audience it wants, and gets
 * an RS256 JWT carrying the job's workflow context. Here the issuer's users are the jobs: a job's claims are its
 * workflow context (repository, ref, environment, event_name…), so a test picks the context it needs from the
 * fixtures or sets it through the admin API. The request token is a client secret of the issuer's
 * (fixtures/clients/github-actions.json). No one logs in: there is no authorize, token or userinfo endpoint.
 */
export default defineProfile({
  name: 'github-actions',
  title: 'GitHub Actions OIDC',
  description: 'GitHub Actions workload tokens: aud of the caller’s choice, repository/ref/sha/workflow claims',
  login: false,
  defaultPath: '/github-actions',
  keySet: 'github-actions',
  fixture: 'github-actions',
  defaultUser: 'deploy-production',
  realHost: {
    host: 'token.actions.githubusercontent.com',
    // Where the runner's ACTIONS_ID_TOKEN_REQUEST_URL points: the Actions service, not the issuer's host.
    aliases: ['run-actions-2-azure-eastus.actions.githubusercontent.com'],
    path: '/',
  },
  docs: [
    {
      ref: 'GitHub Actions OIDC reference',
      short: 'GH Actions OIDC',
      url: 'https://docs.github.com/en/actions/reference/security/oidc',
    },
  ],
  scopes: ['openid'],
  providerConfig: () => ({
    routes: { jwks: JWKS_PATH },
    enabledJWA: { idTokenSigningAlgValues: ['RS256'] },
    features: {
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      backchannelLogout: { enabled: false },
      resourceIndicators: { enabled: false },
      claimsParameter: { enabled: false },
      deviceFlow: { enabled: false },
      clientCredentials: { enabled: false },
      introspection: { enabled: false },
      revocation: { enabled: false },
    },
  }),
  quirks: [githubActionsEndpoints(), githubActionsDiscovery(), githubActionsJwks(), githubActionsIdToken()],
});
