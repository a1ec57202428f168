import type { JWK } from 'jose';
import type { Fault, RequestRecord, ServedFault, UserAgent } from '../mock-idp/index.js';
import type { CaseFacts } from './facts.js';
import type { LogoutTokenFault } from './logout-token.js';

/** What a conforming client does with the scenario's response. */
export type Expectation = 'reject' | 'accept' | 'either';

export type Area =
  | 'happy-path'
  | 'id-token'
  | 'signature'
  | 'keys'
  | 'discovery'
  | 'authorization-response'
  | 'token-response'
  | 'transport'
  | 'userinfo'
  | 'client-auth'
  | 'pkce'
  | 'refresh'
  | 'clock'
  | 'web-app'
  | 'third-party-login'
  | 'native'
  | 'logout'
  | 'profile';

/**
 * What a case asks the client to do, in order: log in (again), refresh the
 * session, sign the user out at the user's request (in the browser of the case's
 * last login), or receive a back-channel logout token the kit sends it.
 */
export type Action = 'login' | 'refresh' | 'logout' | 'backchannel-logout';

/**
 * What a client can do beyond one login. A case needing a capability the
 * adapter lacks is skipped, with the reason, never failed.
 */
export type Capability =
  /** Refreshes its session (the adapter has refresh()). */
  | 'refresh'
  /** Signs the user out when asked (the adapter has logout()). */
  | 'logout'
  /** Receives back-channel logout tokens (the adapter has backchannelLogout()). */
  | 'backchannel-logout'
  /** Asks for response_mode=form_post when context.responseMode says so. */
  | 'form_post'
  /** Authenticates with context.tokenEndpointAuthMethod (secret, secret JWT or private key JWT). */
  | 'client-auth'
  /** Takes its issuer from context.issuer, so scenario issuer URLs (JWKS, discovery, rotation) reach it. */
  | 'issuer-url'
  /**
   * Starts a login a third party asks for at its login initiation endpoint (OIDC Core 4, initiate_login_uri), from
   * context.thirdPartyLogin.
   */
  | 'third-party-login'
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
  /** How long the client may hold off refetching keys (RunOptions.jwksRefetchIntervalMs), in ms. */
  jwksRefetchIntervalMs: number;
  /** What the kit sent the client's login initiation endpoint, for a third-party login. */
  thirdPartyLogin?: Readonly<Record<string, string>> | undefined;
}

/** A second signal from the IdP's request log: a reason the case fails, or undefined. */
export type Evidence = (log: readonly RequestRecord[], context: EvidenceContext) => string | undefined;

/** MUST cases fail the run, SHOULD cases warn, MAY cases only inform. */
export type Level = 'MUST' | 'SHOULD' | 'MAY';

/**
 * Something the client must have set up for a case to say anything about it,
 * read from what it sent: a client that sends no state cannot be judged on a
 * forged one (it is judged on its CSRF protection instead).
 */
export type Premise =
  /** Its authorization request carried a state. */
  | 'sent-state'
  /** Its authorization request carried a nonce. */
  | 'sent-nonce'
  /**
   * Its RP-initiated logout request asked for a state to come back: a state, a post_logout_redirect_uri, and a hint or
   * client_id naming the client (or it made none, which the case's optional call judges).
   */
  | 'sent-logout-state'
  /** No state it sent in the case was sent twice: a replayed state differs from the one it sent. */
  | 'state-varies'
  /** No nonce it sent in the case was sent twice: another login's nonce differs from the one it sent. */
  | 'nonce-varies'
  /** It uses access tokens: it called userinfo or an API with one in some case of the run. */
  | 'uses-access-token'
  /**
   * It verifies signatures with the issuer's keys: it fetched them in some case of the run, or rejected a token only
   * a signature check refuses (a case with `rejectionShows: 'verifies-signatures'`), with keys held from before the run
   * or pinned.
   */
  | 'verifies-signatures'
  /** It read the JWKS document in some case of the run, not only the keys in another form (PEM certificates). */
  | 'reads-jwks'
  /** A third party's request made it start a login in some case of the run: its initiation endpoint works. */
  | 'starts-third-party-logins'
  /** It took the redirect back from a valid RP-initiated logout in some case of the run: refusing one shows a check. */
  | 'takes-post-logout-redirect'
  /**
   * Its session showed the user's profile or email claims after the run's valid login (as JSON, or on its who-am-I
   * page): a session that then shows none of another's shows it did not take them.
   */
  | 'shows-user-claims'
  /**
   * It signed in on an ID token without the profile and email claims (the case userinfo-claims-only): refusing one
   * that has them only from userinfo then shows a check of userinfo, not a need of the ID token's.
   */
  | 'accepts-lean-id-token'
  /**
   * It refused an ID token expired 15 minutes ago (the case id-token-exp-past) after the run's valid login: taking
   * another such token then shows a check left out, not a check it never makes.
   */
  | 'refuses-expired-id-token'
  /**
   * The case's JWKS fault reached it: it asked for the keys in this case's login. One that checks the claims before the
   * signature ends a login whose ID token is also faulty before it asks.
   */
  | 'meets-jwks-fault';

/** A condition under which the spec asks less of the client, read from what it did. */
export type Relaxation =
  /**
   * Nothing in the run shows it verifies signatures (the premise verifies-signatures fails): it relies on TLS for
   * token-endpoint ID tokens (OIDC Core 3.1.3.7 (6)).
   */
  | 'verifies-no-signatures'
  /** A confidential client that sent no PKCE: RFC 9700 2.1.1 recommends it, and lets a nonce stand in. */
  | 'confidential-without-pkce'
  /** It sends PKCE or a nonce besides its state, so state is not its only CSRF defence (RFC 9700 2.1). */
  | 'state-not-sole-csrf-defence';

export interface ConformanceCase {
  /** Our id, e.g. "id-token-aud-wrong". */
  id: string;
  /** The official suites' ids for the same check (rp-id_token-aud, oidcc-client-test-invalid-aud). */
  aliases: readonly string[];
  title: string;
  area: Area;
  /** Spec references: "OIDC Core 3.1.3.7 (3)", "RFC 9207 2.4". */
  refs: readonly string[];
  /** MUST cases fail the run; SHOULD cases only warn; MAY cases only inform. */
  level: Level;
  /**
   * What the client must have set up (sent a state, a nonce...); when it did not, the case is skipped with the reason.
   */
  premises?: readonly Premise[];
  /** The level drops to `level` under this condition, for this reason. */
  relaxed?: { when: Relaxation; level: Level; because: string };
  /**
   * The clock offset in seconds the case's fault puts on the token (exp past,
   * iat ahead): judged only when it lies beyond the client's declared clock
   * tolerance (a reject case) or within it (an accept case).
   */
  skewSeconds?: number;
  /**
   * The step of the script whose login must meet a rotated key: the kit waits
   * the client's JWKS refetch interval since its last JWKS request before it.
   */
  rotationStep?: number;
  /**
   * For a client whose issuer is fixed (a web app): the scenario armed on its
   * client_id instead, at `atStep`, and the premise that makes it equivalent.
   */
  armedAs?: {
    scenario: string;
    atStep: number;
    /** The issuer's own JWKS must already hold a single key of the type it signs with. */
    onlyIf?: 'one-key-of-the-signing-type';
  };
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
  /**
   * ...unless a fault hits every action (a flood of bad tokens, or an earlier login left at the issuer's page to set
   * the case up): then each may fail.
   */
  everyStepFaulty?: boolean;
  /**
   * The fault target whose serving delivers the case, where faults served before it only set the case up (an earlier
   * login left at the issuer's page): until a response of this target is faulted, the case's fault has not reached
   * the client.
   */
  deliveredIn?: Fault['target'];
  /** Capabilities the client needs; without them the case is skipped. */
  requires?: readonly Capability[];
  /**
   * A request the client must make for the case to say anything: a client
   * that never calls userinfo cannot be judged on a bad userinfo response,
   * so the case is skipped, after the run, with that reason.
   */
  judgedOnCall?: JudgedOnCall;
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
    /**
     * userinfo_signed_response_alg (OIDC Registration 2): userinfo answers as a signed JWT; skipped where the issuer
     * does not advertise it.
     */
    userinfoSignedResponseAlg?: string;
  };
  /** How the logout token of a backchannel-logout action departs from a valid one. */
  logoutToken?: LogoutTokenFault | undefined;
  /** A parameter the kit adds to the web app's login URL (return_to=https://attacker.example/). */
  loginParams?: Readonly<Record<string, string>>;
  /**
   * The case's login is one a third party starts (OIDC Core 4): the kit sends the issuer as iss (or with
   * `iss: 'foreign'`, an issuer of mock-idp's the client was never set up for), and as asked the default user's sub as
   * login_hint or a target_link_uri.
   */
  thirdPartyLogin?: { iss?: 'foreign'; loginHint?: boolean; targetLinkUri?: string; method?: 'POST' };
  /**
   * Starting no login at all is one right answer to the case (a third party's suspect request refused with a page of
   * the client's own): an outcome without an authorization request is judged, not called undelivered.
   */
  loginOptional?: boolean;
  expect: Expectation;
  evidence?: Evidence;
  /**
   * Judged on the evidence alone: what the client sent is the case, and how its action ended is another case's (a
   * sign-out that failed is rp-logout's miss, not the id_token_hint case's too).
   */
  judgedBy?: 'evidence';
  /** Evidence only the whole run shows (a state sent in more than one login): a pass it contradicts is a miss. */
  runEvidence?: RunEvidence;
  /**
   * What a rejection of this case's fault shows of the client for the whole run: a token that is valid but for a
   * byte of its signature flipped is refused only by a signature check, with keys fetched in the run or not; one that
   * is valid but for its exp, 15 minutes past, only by a check of exp.
   */
  rejectionShows?: Extract<Premise, 'verifies-signatures' | 'refuses-expired-id-token'>;
  /**
   * What the client signing in on this case's response shows for the whole run: its ID token leaves the profile and
   * email claims to userinfo, and nothing else is wrong, so other cases' refusals of such a token are of their faults.
   */
  acceptanceShows?: Extract<Premise, 'accepts-lean-id-token'>;
  /**
   * The spec forbids using the faulty response, not finishing the login (OIDC Core 5.3.2: userinfo for another
   * subject "MUST NOT be used"): a client may sign in on what it can trust and set the response aside. For a login
   * that completed, what its session shows: the response used, set aside, or undefined when nothing shows which.
   */
  mayBeSetAside?: (outcome: ClientOutcome, facts: CaseFacts) => { used: string } | { setAside: string } | undefined;
}

/**
 * A request to the issuer the client may leave out, and without which a case says nothing: userinfo, or the
 * end_session_endpoint (a client may sign out without RP-initiated logout).
 */
export type JudgedOnCall = 'userinfo' | 'end_session';

/** Evidence read from every login of the run, by name (conformance/run-wide.ts). */
export type RunEvidence =
  /** Every login whose only CSRF defence is state sent a state no other login of the run sent. */
  'state-unguessable';

/** What the runner reads from the issuer's discovery document to decide which cases apply. */
export type IssuerMetadata = Readonly<Record<string, unknown>>;

export type TokenEndpointAuthMethod =
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'client_secret_jwt'
  | 'private_key_jwt'
  | 'none';

/** How clients are registered when the case does not say: the client under test's own kind. */
export interface ClientDefaults {
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  /** 'native' for CLI and desktop clients: any loopback port is accepted (RFC 8252 7.3). */
  applicationType?: 'web' | 'native';
  redirectUris?: readonly string[];
  /**
   * A fixture client to copy for every case that asks for no client of its own: for a provider whose clients
   * hold a credential only the developer's own key makes (Apple's Services ID and its team-signed secret).
   */
  template?: string;
}

/**
 * A client whose registration is fixed in its own configuration (a web app
 * under black-box test): the kit registers exactly this, and arms scenarios
 * on its client_id one case at a time.
 */
export interface FixedClient {
  clientId: string;
  clientSecret?: string;
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  redirectUris: readonly string[];
  /** Its back-channel logout endpoint: registered with sessions required, so ID tokens carry sid. */
  backchannelLogoutUri?: string;
  /** Where it asks the issuer to send the browser after RP-initiated logout (post_logout_redirect_uris). */
  postLogoutRedirectUris?: readonly string[];
}

/** What the kit gives a client for one case: its own client registration on the issuer. */
export interface CaseContext {
  /** The case being run, e.g. "id-token-aud-wrong": for the client's own logs. */
  caseId: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /**
   * The post_logout_redirect_uri registered for the client: where RP-initiated logout brings the browser back. None
   * for a fixed client that declares none (FixedClient.postLogoutRedirectUris).
   */
  postLogoutRedirectUri?: string | undefined;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** The private key for private_key_jwt, as a JWK. */
  privateJwk?: JWK | undefined;
  responseMode?: 'form_post' | undefined;
  /** The fixture client this registration copies, when the case names one. */
  template?: string | undefined;
  /** The ID token alg the client registered (default RS256): the one it must accept, and no other. */
  idTokenSignedResponseAlg?: string | undefined;
  /** The client registered for signed userinfo (application/jwt) with this alg (OIDC Registration 2). */
  userinfoSignedResponseAlg?: string | undefined;
  /** The application key a provider's API wants beside the token (Stack Exchange's `key`), from the registration. */
  applicationKey?: string | undefined;
  /** The issuer's profile: generic, okta, stitch... */
  profile: string;
  /** Extra query parameters for a web app's login URL. */
  loginParams?: Readonly<Record<string, string>> | undefined;
  /**
   * Start this login as a third party asks for it (OIDC Core 4): these are the parameters the client's login
   * initiation endpoint receives (iss, and maybe login_hint and target_link_uri), in place of the client's own start.
   */
  thirdPartyLogin?: Readonly<Record<string, string>> | undefined;
  /** How the third party sends them: by a link (GET, default), or by a form it auto-submits (POST). */
  thirdPartyLoginMethod?: 'GET' | 'POST' | undefined;
  /** Which action of the case's script this is, from 0. */
  step: number;
  /**
   * How long the kit waits for this action, in ms: past it, the action is judged timed out. An adapter that watches
   * the client for its answer (the spa adapter) decides before then.
   */
  timeoutMs?: number;
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
  /** The HTTP status of the app's page: a 5xx is a server error (a crash, or an error page served as one). */
  status?: number | undefined;
}

export type ClientOutcome =
  | ({
      ok: true;
      claims?: Record<string, unknown> | undefined;
      /**
       * The who-am-I page the session was read from, when it answered no JSON: its HTML, whose text and attributes may
       * still show the session's claims.
       */
      sessionPage?: string | undefined;
    } & Landing)
  | ({
      ok: false;
      code?: string | undefined;
      message: string;
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
   * Signs the user of the case's last login out, as the user would ask the client to (its sign-out button), in the
   * same browser (context.userAgent holds that login's cookies): ok once the client's session is over and the browser
   * is back with the client, wherever its sign-out took it (the issuer's end_session_endpoint, or nowhere). Not ok
   * with code `post-logout-refused` when its session is over but it refused the redirect back (a state it never
   * sent), and with code `still-signed-in` when its session outlived the sign-out; give that one the status it
   * answered the redirect back with when it refused it (4xx), and no status when it took it.
   */
  logout?(context: CaseContext): Promise<ClientOutcome>;
  /**
   * Delivers a logout token to the client's back-channel logout endpoint, as
   * the issuer would (a form POST of logout_token), and reports its answer:
   * ok for 200, not ok with code `http-<status>` otherwise.
   */
  backchannelLogout?(context: CaseContext, logoutToken: string): Promise<ClientOutcome>;
  /**
   * Asked when a login did not finish in time: what the adapter saw that may say why ("the callback never came"),
   * added to the timeout's reason, since the client itself never answered. Synchronous: the timeout does not wait.
   */
  unfinished?(context: CaseContext): string | undefined;
  /**
   * Called when a case is over: drop what was kept for this clientId. With a fixed client (RunOptions.client),
   * whose client_id every case shares, it is called once, when the run is over.
   */
  release?(context: CaseContext): void | Promise<void>;
  /** Called once when the run is over, however it ended: let go of what the adapter holds for it (a browser). */
  close?(): void | Promise<void>;
}

/**
 * pass, fail (a MUST missed), warn (a SHOULD missed, or a server error), info (a MAY
 * missed), skip (the case does not apply, with the reason), not-delivered
 * (the fault never reached the client: mock-idp refused a request first, or
 * the client made none; or the kit's browser could not read the client's
 * answer; an error that fails the run, never a pass).
 */
export type Verdict = 'pass' | 'fail' | 'warn' | 'info' | 'skip' | 'not-delivered';

export const VERDICTS: readonly Verdict[] = ['pass', 'fail', 'warn', 'info', 'skip', 'not-delivered'];

export interface CaseResult {
  id: string;
  title: string;
  area: Area;
  aliases: readonly string[];
  /** The level the case was judged at: the case's own, or lower where the spec asks less of this client. */
  level: Level;
  refs: readonly string[];
  /** The spec sentence behind the case's first reference, when the kit has it. */
  quote?: string | undefined;
  verdict: Verdict;
  reason: string;
  outcome: ClientOutcome;
  /** Routes the client called, in order: the request-log evidence. */
  calls: string[];
  /** The case's requests as mock-idp saw them: method, path, status, and the faults a response carried. */
  requests?: RequestExcerpt[] | undefined;
  /** What the faulted responses carried, decoded (the faulty ID token's header and claims...). */
  served?: ServedFault[] | undefined;
  durationMs: number;
}

/** One request of a case, as a report shows it. */
export interface RequestExcerpt {
  method: string;
  /** The path, without its query (which may carry a code). */
  path: string;
  route?: string | undefined;
  status?: number | undefined;
  error?: string | undefined;
  /** Fault targets this response carried. */
  faults?: string[] | undefined;
}

export interface ConformanceReport {
  client: string;
  issuer: string;
  startedAt: string;
  durationMs: number;
  results: CaseResult[];
  summary: Record<Verdict, number>;
  /** True when no MUST case failed and every case that ran had its fault delivered. */
  passed: boolean;
}

export function defineCases(...cases: ConformanceCase[]): ConformanceCase[] {
  return cases;
}
