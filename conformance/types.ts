import type { JWK } from 'jose';
import type { UserAgent } from '../mock-idp/agent.js';
import type { RequestRecord } from '../mock-idp/log/request-log.js';
import type { ClientDefaults } from './registration.js';
import type { LogoutTokenFault } from './logout-token.js';

/** What a conforming client does with the scenario's response. */
export type Expectation = 'reject' | 'accept' | 'either';

export type Area =
  | 'happy-path' | 'id-token' | 'signature' | 'keys' | 'discovery' | 'authorization-response' | 'token-response'
  | 'transport' | 'userinfo' | 'client-auth' | 'pkce' | 'refresh' | 'clock' | 'web-app' | 'native' | 'logout' | 'profile';

/**
 * What a case asks the client to do, in order: log in (again), refresh the
 * session, or receive a back-channel logout token the kit sends it.
 */
export type Action = 'login' | 'refresh' | 'backchannel-logout';

/**
 * What a client can do beyond one login. A case needing a capability the
 * adapter lacks is skipped, with the reason, never failed.
 */
export type Capability =
  /** Refreshes its session (the adapter has refresh()). */
  | 'refresh'
  /** Receives back-channel logout tokens (the adapter has backchannelLogout()). */
  | 'backchannel-logout'
  /** Asks for response_mode=form_post when context.responseMode says so. */
  | 'form_post'
  /** Authenticates with context.tokenEndpointAuthMethod (secret, secret JWT or private key JWT). */
  | 'client-auth'
  /** Takes its issuer from context.issuer, so scenario issuer URLs (JWKS, discovery, rotation) reach it. */
  | 'issuer-url'
  /** A web app: pages the kit can read, a return-to parameter. */
  | 'web'
  /** A native app using a loopback redirect (RFC 8252). */
  | 'native'
  /**
   * Keeps its caches (JWKS, discovery) from one login to the next, as a server
   * does. A command run once per login starts afresh each time.
   */
  | 'persistent';

export interface EvidenceContext {
  issuer: string;
  clientId: string;
  /** The case's actions, in order, as the client was asked to perform them. */
  script: readonly Action[];
  /** The client's final outcome. */
  outcome: ClientOutcome;
}

/** A second signal from the IdP's request log: a reason the case fails, or undefined. */
export type Evidence = (log: readonly RequestRecord[], context: EvidenceContext) => string | undefined;

export interface ConformanceCase {
  /** Our id, e.g. "id-token-aud-wrong". */
  id: string;
  /** The official suites' ids for the same check (rp-id_token-aud, oidcc-client-test-invalid-aud). */
  aliases: readonly string[];
  title: string;
  area: Area;
  /** Spec references: "OIDC Core 3.1.3.7 (3)", "RFC 9207 2.4". */
  refs: readonly string[];
  /** MUST cases fail the run; SHOULD cases only warn. */
  level: 'MUST' | 'SHOULD';
  /** The mock-idp scenario armed for the case's client; none for the happy path. */
  scenario?: string;
  /**
   * How the scenario reaches the client: armed for its client_id (default), or
   * served by the scenario's own issuer URL (<issuer>/s/<scenario>~<run>), needed
   * for JWKS, discovery and rotation faults since those requests name no client.
   */
  via?: 'client' | 'issuer';
  /**
   * A via-issuer case whose scenario also works armed on the client's own
   * client_id, for a client whose issuer is fixed in its configuration (a web
   * app under black-box test): a rotation step publishes its new key on the
   * issuer's own JWKS, beside the issuer's keys, while the scenario is armed.
   * Not for faults of the JWKS or discovery themselves: those requests name no
   * client, so they would hit every client of the issuer.
   */
  armable?: boolean;
  /** What the client is asked to do; default one login. Every action but the last must succeed... */
  script?: readonly Action[];
  /** ...unless the fault hits every action (a flood of bad tokens): then each may fail. */
  everyStepFaulty?: boolean;
  /** Capabilities the client needs; without them the case is skipped. */
  requires?: readonly Capability[];
  /**
   * A request the client must make for the case to say anything: a client
   * that never calls userinfo cannot be judged on a bad userinfo response,
   * so the case is skipped, after the run, with that reason.
   */
  judgedOnCall?: 'userinfo';
  /** Only on issuers of these profiles (default: any OpenID Connect issuer). */
  profiles?: readonly string[];
  /** Also on plain OAuth 2 issuers (Stack Exchange); default OpenID Connect only. */
  oauth2?: boolean;
  /**
   * Only on issuers whose discovery document sets this field (to true or a
   * non-empty list): "rejects a missing iss when advertised" means nothing
   * where it is not advertised.
   */
  advertised?: string;
  /** Profiles where the case's premise does not hold, each with the reason it is skipped there. */
  except?: Readonly<Record<string, string>>;
  /** How the case's client is registered, beyond the defaults. */
  client?: {
    tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
    /** A secret with characters that need form-encoding (RFC 6749 2.3.1). */
    secret?: string;
    responseMode?: 'form_post';
    /** Register a copy of this fixture client (its auth method, keys and rules). */
    template?: string;
    /** id_token_signed_response_alg (OIDC Registration 2); skipped where the issuer does not advertise it. */
    idTokenSignedResponseAlg?: string;
    /** userinfo_signed_response_alg (OIDC Registration 2): userinfo answers as a signed JWT; skipped where the issuer does not advertise it. */
    userinfoSignedResponseAlg?: string;
  };
  /** How the logout token of a backchannel-logout action departs from a valid one. */
  logoutToken?: LogoutTokenFault;
  /** A parameter the kit adds to the web app's login URL (return_to=https://attacker.example/). */
  loginParams?: Readonly<Record<string, string>>;
  expect: Expectation;
  evidence?: Evidence;
}

/** What the runner reads from the issuer's discovery document to decide which cases apply. */
export type IssuerMetadata = Readonly<Record<string, unknown>>;

export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'none';

/** What the kit gives a client for one case: its own client registration on the issuer. */
export interface CaseContext {
  /** The case being run, e.g. "id-token-aud-wrong": for the client's own logs. */
  caseId: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** The private key for private_key_jwt, as a JWK. */
  privateJwk?: JWK | undefined;
  responseMode?: 'form_post' | undefined;
  /** The fixture client this registration copies, when the case names one. */
  template?: string | undefined;
  /** The ID token alg the client registered (default RS256): the one it must accept, and no other. */
  idTokenSignedResponseAlg?: string | undefined;
  /** The application key a provider's API wants beside the token (Stack Exchange's `key`), from the registration. */
  applicationKey?: string | undefined;
  /** The issuer's profile: generic, okta, stitch... */
  profile: string;
  /** Extra query parameters for a web app's login URL. */
  loginParams?: Readonly<Record<string, string>> | undefined;
  /** Which action of the case's script this is, from 0. */
  step: number;
  /**
   * A headless browser for this action (a cookie jar, redirects followed,
   * mock-idp's login done without a page): follow your authorization URL
   * with userAgent.navigate(url, { until: (u) => u.href.startsWith(redirectUri) }).
   */
  userAgent: UserAgent;
}

/** Where the browser ended and what it showed: what a web app's outcome is judged on. */
interface Landing {
  finalUrl?: string | undefined;
  page?: string | undefined;
}

export type ClientOutcome =
  | ({ ok: true; claims?: Record<string, unknown> | undefined } & Landing)
  | ({
    ok: false; code?: string | undefined; message: string;
    /**
     * The identity provider itself refused the client's request (an unknown
     * client, an unregistered redirect URI): the case's fault was never
     * delivered, so the rejection proves nothing.
     */
    refusedByIdp?: boolean | undefined;
  } & Landing);

/**
 * A client under test. run() performs one login (and whatever the client does
 * after it, such as calling userinfo) and reports how it went; refresh()
 * refreshes the session of the last login with the same clientId. A client
 * that keeps state between logins (a JWKS cache, a used state) must keep it
 * per clientId, as a real deployment keeps it per configuration.
 */
export interface ClientAdapter {
  name: string;
  capabilities?: readonly Capability[];
  /** How each case's client is registered for this kind of client (RunOptions.clientDefaults wins). */
  registration?: ClientDefaults;
  run(context: CaseContext): Promise<ClientOutcome>;
  refresh?(context: CaseContext): Promise<ClientOutcome>;
  /**
   * Delivers a logout token to the client's back-channel logout endpoint, as
   * the issuer would (a form POST of logout_token), and reports its answer:
   * ok for 200, not ok with code `http-<status>` otherwise.
   */
  backchannelLogout?(context: CaseContext, logoutToken: string): Promise<ClientOutcome>;
  /** Called when a case is over: drop what was kept for this clientId. */
  release?(context: CaseContext): void | Promise<void>;
}

export type Verdict = 'pass' | 'fail' | 'warn' | 'skip';

export interface CaseResult {
  id: string;
  title: string;
  area: Area;
  aliases: readonly string[];
  level: 'MUST' | 'SHOULD';
  refs: readonly string[];
  verdict: Verdict;
  reason: string;
  outcome: ClientOutcome;
  /** Routes the client called, in order: the request-log evidence. */
  calls: string[];
  durationMs: number;
}

export interface ConformanceReport {
  client: string;
  issuer: string;
  startedAt: string;
  durationMs: number;
  results: CaseResult[];
  summary: Record<Verdict, number>;
  /** True when no MUST case failed. */
  passed: boolean;
}

export function defineCases(...cases: ConformanceCase[]): ConformanceCase[] {
  return cases;
}
