// Verbatim spec sentences behind the catalog's refs, so a verdict can show the rule it applies.
// Entries marked `description` summarise vendor behaviour instead of quoting it.
// OpenID texts are those of the published errata-set-2 editions; RFC texts are the RFCs as published.
export const specQuotes: Readonly<Record<string, { quote: string; url: string }>> = {
  'Auth0 issuer': {
    quote:
      "Auth0's issuer identifier is https://{tenant}.auth0.com/ with a trailing slash, and its " +
      'ID tokens carry exactly that iss value.',
    url: 'https://auth0.com/docs/secure/tokens/id-tokens/validate-id-tokens',
  }, // description; URL not checked
  'FAPI 1.0 RP test: iat a week in the past': {
    quote:
      'FAPI1-Advanced-Final: client test - iat value which is a week in the past in id_token ' +
      'from authorization_endpoint, should be rejected',
    url:
      'https://gitlab.com/openid/conformance-suite/-/blob/master/src/main/java/net/openid/' +
      'conformance/fapi1advancedfinal/FAPI1AdvancedFinalClientTestIatIsWeekInPast.java',
  },
  'Google ID token iss': {
    quote:
      'The modern value is https://accounts.google.com; however, accounts.google.com is also returned for legacy ' +
      'implementations.',
    url: 'https://developers.google.com/identity/openid-connect/reference',
  },
  'OAuth 2.0 Form Post Response Mode 2': {
    quote:
      'However, the Client MUST be able to process the message without regard for the mechanism ' +
      'by which the form submission was initiated.',
    url: 'https://openid.net/specs/oauth-v2-form-post-response-mode-1_0.html#FormPostResponseMode',
  },
  'OAuth 2.0 Multiple Response Types 2': {
    quote:
      'The Response Mode request parameter response_mode informs the Authorization Server of the ' +
      'mechanism to be used for returning Authorization Response parameters from the ' +
      'Authorization Endpoint.',
    url: 'https://openid.net/specs/oauth-v2-multiple-response-types-1_0.html#ResponseTypesAndModes',
  },
  'OIDC RP-Initiated Logout 1.0 2': {
    quote:
      "An RP requests that the OP log out the End-User by redirecting the End-User's User Agent to the OP's " +
      'Logout Endpoint.',
    url: 'https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout',
  },
  'OIDC RP-Initiated Logout 1.0 2 (id_token_hint)': {
    quote:
      'id_token_hint RECOMMENDED. ID Token previously issued by the OP to the RP passed to the Logout Endpoint as ' +
      "a hint about the End-User's current authenticated session with the Client.",
    url: 'https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout',
  },
  'OIDC RP-Initiated Logout 1.0 2 (state)': {
    quote:
      'Opaque value used by the RP to maintain state between the logout request and the callback to the endpoint ' +
      'specified by the post_logout_redirect_uri parameter. If included in the logout request, the OP passes this ' +
      'value back to the RP using the state parameter when redirecting the User Agent back to the RP.',
    url: 'https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout',
  },
  'OIDC Back-Channel Logout 1.0 2.6': {
    quote:
      'Upon receiving a logout request at the back-channel logout URI, the RP MUST validate the ' +
      'Logout Token as follows:',
    url: 'https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation',
  },
  'OIDC Back-Channel Logout 1.0 2.6 (2)': {
    quote:
      'Validate the Logout Token signature in the same way that an ID Token signature is ' +
      'validated, with the following refinements.',
    url: 'https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation',
  },
  'OIDC Back-Channel Logout 1.0 2.6 (3) (alg)': {
    quote: 'Validate the alg (algorithm) Header Parameter in the same way it is validated for ID Tokens.',
    url: 'https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation',
  },
  'OIDC Back-Channel Logout 1.0 2.6 (3)': {
    quote: 'Additionally, an alg with the value none MUST NOT be used for Logout Tokens.',
    url: 'https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation',
  },
  'OIDC Back-Channel Logout 1.0 2.6 (4)': {
    quote: 'Validate the iss, aud, iat, and exp Claims in the same way they are validated in ID Tokens.',
    url: 'https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation',
  },
  'OIDC Back-Channel Logout 1.0 2.6 (5)': {
    quote: 'Verify that the Logout Token contains a sub Claim, a sid Claim, or both.',
    url: 'https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation',
  },
  'OIDC Back-Channel Logout 1.0 2.6 (6)': {
    quote:
      'Verify that the Logout Token contains an events Claim whose value is JSON object ' +
      'containing the member name http://schemas.openid.net/event/backchannel-logout.',
    url: 'https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation',
  },
  'OIDC Back-Channel Logout 1.0 2.6 (7)': {
    quote: 'Verify that the Logout Token does not contain a nonce Claim.',
    url: 'https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation',
  },
  'OIDC Back-Channel Logout 1.0 2.6 (8)': {
    quote: 'Optionally verify that another Logout Token with the same jti value has not been recently received.',
    url: 'https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation',
  },
  'OIDC Back-Channel Logout 1.0 2.8': {
    quote: 'If the logout succeeded, the RP MUST respond with HTTP 200 OK.',
    url: 'https://openid.net/specs/openid-connect-backchannel-1_0.html#BCResponse',
  },
  'OIDC Core 10.1': {
    quote:
      'If there are multiple keys in the referenced JWK Set document, a kid value MUST be provided in the JOSE Header.',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#Signing',
  },
  'OIDC Core 10.1.1': {
    quote:
      'The verifier knows to go back to the jwks_uri location to re-retrieve the keys when it ' +
      'sees an unfamiliar kid value.',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#RotateSigKeys',
  },
  'OIDC Core 12.2': {
    quote: 'its iss Claim Value MUST be the same as in the ID Token issued when the original authentication occurred',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#RefreshTokenResponse',
  },
  'OIDC Core 16.17': {
    quote:
      'To protect against information disclosure and tampering, confidentiality protection MUST ' +
      'be applied using TLS with a ciphersuite that provides confidentiality and integrity ' +
      'protection.',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#TLSRequirements',
  },
  'OIDC Core 2': {
    quote: 'The following Claims are used within the ID Token for all OAuth 2.0 flows used by OpenID Connect:',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#IDToken',
  },
  'OIDC Core 2 (alg none)': {
    quote:
      'ID Tokens MUST NOT use none as the alg value unless the Response Type used returns no ID ' +
      'Token from the Authorization Endpoint (such as when using the Authorization Code Flow) ' +
      'and the Client explicitly requested the use of none at Registration time.',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#IDToken',
  },
  'OIDC Core 2 (azp)': {
    quote:
      'Note that in practice, the azp Claim only occurs when extensions beyond the scope of this ' +
      'specification are used; therefore, implementations not using such extensions are ' +
      'encouraged to not use azp and to ignore it when it does occur.',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#IDToken',
  },
  'OIDC Core 2 (exp leeway)': {
    quote:
      'Implementers MAY provide for some small leeway, usually no more than a few minutes, to account for clock skew.',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#IDToken',
  },
  'OIDC Core 2 (key headers)': {
    quote: 'ID Tokens SHOULD NOT use the JWS or JWE x5u, x5c, jku, or jwk Header Parameter fields.',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#IDToken',
  },
  'OIDC Core 3.1': {
    quote: 'When using the Authorization Code Flow, all tokens are returned from the Token Endpoint.',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#CodeFlowAuth',
  },
  'OIDC Core 3.1.3.3': {
    quote:
      'In addition to the response parameters specified by OAuth 2.0, the following parameters ' +
      'MUST be included in the response:',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#TokenResponse',
  },
  'OIDC Core 3.1.3.7 (10)': {
    quote:
      'The iat Claim can be used to reject tokens that were issued too far away from the current ' +
      'time, limiting the amount of time that nonces need to be stored to prevent attacks. The ' +
      'acceptable range is Client specific.',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation',
  },
  'OIDC Core 3.1.3.7 (11)': {
    quote:
      'If a nonce value was sent in the Authentication Request, a nonce Claim MUST be present ' +
      'and its value checked to verify that it is the same value as the one that was sent in the ' +
      'Authentication Request.',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation',
  },
  'OIDC Core 3.1.3.7 (2)': {
    quote:
      'The Issuer Identifier for the OpenID Provider (which is typically obtained during ' +
      'Discovery) MUST exactly match the value of the iss (issuer) Claim.',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation',
  },
  'OIDC Core 3.1.3.7 (3)': {
    quote:
      'The ID Token MUST be rejected if the ID Token does not list the Client as a valid ' +
      'audience, or if it contains additional audiences not trusted by the Client.',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation',
  },
  'OIDC Core 3.1.3.7 (4)': {
    quote:
      'If the implementation is using extensions (which are beyond the scope of this ' +
      'specification) that result in the azp (authorized party) Claim being present, it SHOULD ' +
      'validate the azp value as specified by those extensions.',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation',
  },
  'OIDC Core 3.1.3.7 (5)': {
    quote:
      'This validation MAY include that when an azp (authorized party) Claim is present, the ' +
      'Client SHOULD verify that its client_id is the Claim Value.',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation',
  },
  'OIDC Core 3.1.3.7 (6)': {
    quote:
      'If the ID Token is received via direct communication between the Client and the Token ' +
      'Endpoint (which it is in this flow), the TLS server validation MAY be used to validate ' +
      'the issuer in place of checking the token signature.',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation',
  },
  'OIDC Core 3.1.3.7 (7)': {
    quote:
      'The alg value SHOULD be the default of RS256 or the algorithm sent by the Client in the ' +
      'id_token_signed_response_alg parameter during Registration.',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation',
  },
  'OIDC Core 3.1.3.7 (9)': {
    quote: 'The current time MUST be before the time represented by the exp Claim.',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation',
  },
  'OIDC Core 3.1.3.8': {
    quote:
      'When using the Authorization Code Flow, if the ID Token contains an at_hash Claim, the ' +
      'Client MAY use it to validate the Access Token in the same manner as for the Implicit ' +
      'Flow, as defined in Section 3.2.2.9, but using the ID Token and Access Token returned ' +
      'from the Token Endpoint.',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#CodeFlowTokenValidation',
  },
  'OIDC Core 3.2.2.9': {
    quote: 'The value of at_hash in the ID Token MUST match the value produced in the previous step.',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#ImplicitTokenValidation',
  },
  'OIDC Core 4': {
    quote:
      'In this case, the initiator redirects to the RP at its login initiation endpoint, which requests that the RP ' +
      'send an Authentication Request to a specified OP.',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#ThirdPartyInitiatedLogin',
  },
  'OIDC Core 4 (POST)': {
    quote:
      'The parameters can be passed by the third party as query parameters using the HTTP GET method or be passed ' +
      'as HTML form values that are auto-submitted in the User Agent, and thus are transmitted via the HTTP POST ' +
      'method.',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#ThirdPartyInitiatedLogin',
  },
  'OIDC Core 4 (login_hint)': {
    quote:
      'If the client receives a value for this string-valued parameter, it MUST include it in the Authentication ' +
      'Request as the login_hint parameter value.',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#ThirdPartyInitiatedLogin',
  },
  'OIDC Core 4 (target_link_uri)': {
    quote:
      'RPs MUST verify the value of the target_link_uri to prevent being used as an open redirector to external ' +
      'sites.',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#ThirdPartyInitiatedLogin',
  },
  'OIDC Core 5.3': {
    quote:
      'The UserInfo Endpoint is an OAuth 2.0 Protected Resource that returns Claims about the authenticated End-User.',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#UserInfo',
  },
  'OIDC Core 5.3.2': {
    quote:
      'The sub Claim in the UserInfo Response MUST be verified to exactly match the sub Claim in ' +
      'the ID Token; if they do not match, the UserInfo Response values MUST NOT be used.',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#UserInfoResponse',
  },
  'OIDC Core 5.3.3': {
    quote:
      'When an error condition occurs, the UserInfo Endpoint returns an Error Response as ' +
      'defined in Section 3 of OAuth 2.0 Bearer Token Usage [RFC6750].',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#UserInfoError',
  },
  'OIDC Core 5.3.4': {
    quote: 'If the response was signed, the Client SHOULD validate the signature according to JWS [JWS].',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#UserInfoResponseValidation',
  },
  'OIDC Core 5.4 (userinfo)': {
    quote:
      'The Claims requested by the profile, email, address, and phone scope values are returned from the UserInfo ' +
      'Endpoint, as described in Section 5.3.2, when a response_type value is used that results in an Access Token ' +
      'being issued.',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#ScopeClaims',
  },
  'OIDC Core 5.4': {
    quote:
      'For OpenID Connect, scopes can be used to request that specific sets of information be ' +
      'made available as Claim Values.',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#ScopeClaims',
  },
  'OIDC Core 9': {
    quote:
      'These tokens MUST only be used once, unless conditions for reuse were negotiated between ' +
      'the parties; any such negotiation is beyond the scope of this specification.',
    url: 'https://openid.net/specs/openid-connect-core-1_0.html#ClientAuthentication',
  },
  'OIDC Discovery 3': {
    quote: 'This URL MUST use the https scheme and MAY contain port, path, and query parameter components.',
    url: 'https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata',
  },
  'OIDC Discovery 3 (jwks_uri)': {
    quote: 'This contains the signing key(s) the RP uses to validate signatures from the OP.',
    url: 'https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata',
  },
  'OIDC Discovery 4.3': {
    quote:
      'The issuer value returned MUST be identical to the Issuer URL that was used as the prefix ' +
      'to /.well-known/openid-configuration to retrieve the configuration information.',
    url: 'https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfigurationValidation',
  },
  'OIDC Registration 2 (initiate_login_uri)': {
    quote:
      'The URI MUST accept requests via both GET and POST. The Client MUST understand the login_hint and iss ' +
      'parameters and SHOULD support the target_link_uri parameter.',
    url: 'https://openid.net/specs/openid-connect-registration-1_0.html#ClientMetadata',
  },
  'OIDC Registration 2': {
    quote: 'JWS alg algorithm [JWA] REQUIRED for signing the ID Token issued to this Client.',
    url: 'https://openid.net/specs/openid-connect-registration-1_0.html#ClientMetadata',
  },
  'OWASP ASVS 4.0.3 V3.3.1': {
    quote:
      'Verify that logout and expiration invalidate the session token, such that the back button or a downstream ' +
      'relying party does not resume an authenticated session, including across relying parties.',
    url: 'https://github.com/OWASP/ASVS/blob/v4.0.3/4.0/en/0x12-V3-Session-management.md',
  },
  'OWASP XSS': {
    quote:
      'Untrusted data (here a provider error_description) must be output-encoded for the HTML ' +
      'context before it is rendered, so that it is shown as text and never interpreted as ' +
      'markup or script.',
    url: 'https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html',
  }, // description, not a quote
  'Okta /v1/token': {
    quote:
      'Okta documents the /v1/token parameters as an application/x-www-form-urlencoded POST ' +
      'body; in practice it also accepts them in the query string with an empty body.',
    url: 'https://developer.okta.com/docs/reference/api/oidc/#token',
  }, // description; URL not checked
  'RFC 3986 3.4': {
    quote:
      'The query component contains non-hierarchical data that, along with data in the path ' +
      "component (Section 3.3), serves to identify a resource within the scope of the URI's " +
      'scheme and naming authority (if any).',
    url: 'https://www.rfc-editor.org/rfc/rfc3986#section-3.4',
  },
  'RFC 6585 4': {
    quote:
      'The response representations SHOULD include details explaining the condition, and MAY ' +
      'include a Retry-After header indicating how long to wait before making a new request.',
    url: 'https://www.rfc-editor.org/rfc/rfc6585#section-4',
  },
  'RFC 6749 10.12': {
    quote: 'The client MUST implement CSRF protection for its redirection URI.',
    url: 'https://www.rfc-editor.org/rfc/rfc6749#section-10.12',
  },
  'RFC 6749 2.3.1': {
    quote:
      'The client identifier is encoded using the "application/x-www-form-urlencoded" encoding ' +
      'algorithm per Appendix B, and the encoded value is used as the username; the client ' +
      'password is encoded using the same algorithm and used as the password.',
    url: 'https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1',
  },
  'RFC 6749 3.1': {
    quote: 'Request and response parameters MUST NOT be included more than once.',
    url: 'https://www.rfc-editor.org/rfc/rfc6749#section-3.1',
  },
  'RFC 6749 3.2': {
    quote: 'The client MUST use the HTTP "POST" method when making access token requests.',
    url: 'https://www.rfc-editor.org/rfc/rfc6749#section-3.2',
  },
  'RFC 6749 4.1.2': {
    quote: 'The client MUST NOT use the authorization code more than once.',
    url: 'https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2',
  },
  'RFC 6749 4.1.2.1': {
    quote:
      'If the resource owner denies the access request or if the request fails for reasons other ' +
      'than a missing or invalid redirection URI, the authorization server informs the client by ' +
      'adding the following parameters to the query component of the redirection URI using the ' +
      '"application/x-www-form-urlencoded" format, per Appendix B:',
    url: 'https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1',
  },
  'RFC 6749 4.1.3': {
    quote:
      'The client makes a request to the token endpoint by sending the following parameters ' +
      'using the "application/x-www-form-urlencoded" format per Appendix B with a character ' +
      'encoding of UTF-8 in the HTTP request entity-body:',
    url: 'https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3',
  },
  'RFC 6749 5.1': {
    quote:
      'The authorization server issues an access token and optional refresh token, and ' +
      'constructs the response by adding the following parameters to the entity-body of the HTTP ' +
      'response with a 200 (OK) status code:',
    url: 'https://www.rfc-editor.org/rfc/rfc6749#section-5.1',
  },
  'RFC 6749 5.2': {
    quote:
      'The authorization server responds with an HTTP 400 (Bad Request) status code (unless ' +
      'specified otherwise) and includes the following parameters with the response:',
    url: 'https://www.rfc-editor.org/rfc/rfc6749#section-5.2',
  },
  'RFC 6749 6': {
    quote:
      'The authorization server MAY issue a new refresh token, in which case the client MUST ' +
      'discard the old refresh token and replace it with the new refresh token.',
    url: 'https://www.rfc-editor.org/rfc/rfc6749#section-6',
  },
  'RFC 6749 7.1': {
    quote: 'The client MUST NOT use an access token if it does not understand the token type.',
    url: 'https://www.rfc-editor.org/rfc/rfc6749#section-7.1',
  },
  'RFC 6750 2': {
    quote: 'Clients MUST NOT use more than one method to transmit the token in each request.',
    url: 'https://www.rfc-editor.org/rfc/rfc6750#section-2',
  },
  'RFC 6750 2.3': {
    quote:
      'Because of the security weaknesses associated with the URI method (see Section 5), ' +
      'including the high likelihood that the URL containing the access token will be logged, it ' +
      'SHOULD NOT be used unless it is impossible to transport the access token in the ' +
      '"Authorization" request header field or the HTTP request entity-body.',
    url: 'https://www.rfc-editor.org/rfc/rfc6750#section-2.3',
  },
  'RFC 6750 4': {
    quote:
      'Typically, a bearer token is returned to the client as part of an OAuth 2.0 [RFC6749] access token response.',
    url: 'https://www.rfc-editor.org/rfc/rfc6750#section-4',
  },
  'RFC 7515 4.1.11': {
    quote:
      'If any of the listed extension Header Parameters are not understood and supported by the ' +
      'recipient, then the JWS is invalid.',
    url: 'https://www.rfc-editor.org/rfc/rfc7515#section-4.1.11',
  },
  'RFC 7515 5.2': {
    quote: 'If any of the listed steps fails, then the signature or MAC cannot be validated.',
    url: 'https://www.rfc-editor.org/rfc/rfc7515#section-5.2',
  },
  'RFC 7517 4.2': {
    quote:
      'The "use" parameter is employed to indicate whether a public key is used for encrypting ' +
      'data or verifying the signature on data.',
    url: 'https://www.rfc-editor.org/rfc/rfc7517#section-4.2',
  },
  'RFC 7517 4.5': {
    quote:
      'When "kid" values are used within a JWK Set, different keys within the JWK Set SHOULD use ' +
      'distinct "kid" values.',
    url: 'https://www.rfc-editor.org/rfc/rfc7517#section-4.5',
  },
  'RFC 7519 4.1.5': {
    quote: 'The "nbf" (not before) claim identifies the time before which the JWT MUST NOT be accepted for processing.',
    url: 'https://www.rfc-editor.org/rfc/rfc7519#section-4.1.5',
  },
  'RFC 7523 3': {
    quote:
      'The JWT MUST contain an "aud" (audience) claim containing a value that identifies the ' +
      'authorization server as an intended audience.',
    url: 'https://www.rfc-editor.org/rfc/rfc7523#section-3',
  },
  'RFC 7636 4.2': {
    quote:
      'If the client is capable of using "S256", it MUST use "S256", as "S256" is Mandatory To ' +
      'Implement (MTI) on the server.',
    url: 'https://www.rfc-editor.org/rfc/rfc7636#section-4.2',
  },
  'RFC 8252 7.3': {
    quote:
      'Loopback redirect URIs use the "http" scheme and are constructed with the loopback IP ' +
      'literal and whatever port the client is listening on.',
    url: 'https://www.rfc-editor.org/rfc/rfc8252#section-7.3',
  },
  'RFC 8252 8.3': {
    quote:
      'While redirect URIs using localhost (i.e., "http://localhost:{port}/{path}") function ' +
      'similarly to loopback IP redirects described in Section 7.3, the use of localhost is NOT ' +
      'RECOMMENDED.',
    url: 'https://www.rfc-editor.org/rfc/rfc8252#section-8.3',
  },
  'RFC 8414 2': {
    quote:
      "URL of the authorization server's token endpoint [RFC6749]. This is REQUIRED unless only " +
      'the implicit grant type is supported.',
    url: 'https://www.rfc-editor.org/rfc/rfc8414#section-2',
  },
  'RFC 8725 2.1': {
    quote:
      'An "RS256" (RSA, 2048 bit) parameter value can be changed into "HS256" (HMAC, SHA-256), ' +
      'and some libraries would try to validate the signature using HMAC-SHA256 and using the ' +
      'RSA public key as the HMAC shared secret (see [McLean] and [CVE-2015-9235]).',
    url: 'https://www.rfc-editor.org/rfc/rfc8725#section-2.1',
  },
  'RFC 8725 3.1': {
    quote:
      'Libraries MUST enable the caller to specify a supported set of algorithms and MUST NOT ' +
      'use any other algorithms when performing cryptographic operations.',
    url: 'https://www.rfc-editor.org/rfc/rfc8725#section-3.1',
  },
  'RFC 8725 3.10': {
    quote:
      'Similarly, blindly following a "jku" (JWK set URL) or "x5u" (X.509 URL) header, which may ' +
      'contain an arbitrary URL, could result in server-side request forgery (SSRF) attacks. ' +
      'Applications SHOULD protect against such attacks, e.g., by matching the URL to a ' +
      'whitelist of allowed locations and ensuring no cookies are sent in the GET request.',
    url: 'https://www.rfc-editor.org/rfc/rfc8725#section-3.10',
  },
  'RFC 8725 3.11': {
    quote: 'Explicit JWT typing is accomplished by using the "typ" Header Parameter.',
    url: 'https://www.rfc-editor.org/rfc/rfc8725#section-3.11',
  },
  'RFC 8725 3.2': {
    quote: 'Similarly, JWT libraries SHOULD NOT consume JWTs using "none" unless explicitly requested by the caller.',
    url: 'https://www.rfc-editor.org/rfc/rfc8725#section-3.2',
  },
  'RFC 8725 3.3': {
    quote:
      'All cryptographic operations used in the JWT MUST be validated and the entire JWT MUST be ' +
      'rejected if any of them fail to validate.',
    url: 'https://www.rfc-editor.org/rfc/rfc8725#section-3.3',
  },
  'RFC 8725 3.8': {
    quote:
      'When a JWT contains an "iss" (issuer) claim, the application MUST validate that the ' +
      'cryptographic keys used for the cryptographic operations in the JWT belong to the issuer.',
    url: 'https://www.rfc-editor.org/rfc/rfc8725#section-3.8',
  },
  'RFC 9110 10.2.3': {
    quote:
      'Servers send the "Retry-After" header field to indicate how long the user agent ought to ' +
      'wait before making a follow-up request.',
    url: 'https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3',
  },
  'RFC 9111 5.2.2.1': {
    quote:
      'The max-age response directive indicates that the response is to be considered stale ' +
      'after its age is greater than the specified number of seconds.',
    url: 'https://www.rfc-editor.org/rfc/rfc9111#section-5.2.2.1',
  },
  'RFC 9111 5.2.2.5': {
    quote:
      'The no-store response directive indicates that a cache MUST NOT store any part of either ' +
      'the immediate request or the response and MUST NOT use the response to satisfy any other ' +
      'request.',
    url: 'https://www.rfc-editor.org/rfc/rfc9111#section-5.2.2.5',
  },
  'RFC 9207 2.4': {
    quote:
      'If the value does not match the expected issuer identifier, clients MUST reject the ' +
      'authorization response and MUST NOT proceed with the authorization grant.',
    url: 'https://www.rfc-editor.org/rfc/rfc9207#section-2.4',
  },
  'RFC 9207 2.4 (missing iss)': {
    quote:
      'Clients MUST reject authorization responses without the iss parameter from authorization ' +
      "servers that do support the parameter according to the client's configuration.",
    url: 'https://www.rfc-editor.org/rfc/rfc9207#section-2.4',
  },
  'RFC 9700 2': {
    quote:
      'This section describes the core set of security mechanisms and measures that are ' +
      'considered to be best practices at the time of writing.',
    url: 'https://www.rfc-editor.org/rfc/rfc9700#section-2',
  },
  'RFC 9700 2.1': {
    quote: 'Clients MUST prevent Cross-Site Request Forgery (CSRF).',
    url: 'https://www.rfc-editor.org/rfc/rfc9700#section-2.1',
  },
  'RFC 9700 2.1.1': {
    quote:
      'Clients MUST prevent authorization code injection attacks (see Section 4.5) and misuse of ' +
      'authorization codes using one of the following options:',
    url: 'https://www.rfc-editor.org/rfc/rfc9700#section-2.1.1',
  },
  'RFC 9700 4.11.1': {
    quote: 'Clients MUST NOT expose open redirectors.',
    url: 'https://www.rfc-editor.org/rfc/rfc9700#section-4.11.1',
  },
  'RFC 9700 4.14.2': {
    quote: 'the authorization server issues a new refresh token with every access token refresh response.',
    url: 'https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2',
  },
  'RFC 9700 4.3.2': {
    quote:
      'Clients MUST NOT pass access tokens in a URI query parameter in the way described in Section 2.3 of [RFC6750].',
    url: 'https://www.rfc-editor.org/rfc/rfc9700#section-4.3.2',
  },
  'RFC 9700 4.4': {
    quote:
      'In scenarios where an OAuth client interacts with two or more authorization servers, ' +
      'however, clients MUST prevent mix-up attacks.',
    url: 'https://www.rfc-editor.org/rfc/rfc9700#section-4.4.2',
  },
  'RFC 9700 4.5': {
    quote:
      'In an authorization code injection attack, the attacker attempts to inject a stolen ' +
      "authorization code into the attacker's own session with the client.",
    url: 'https://www.rfc-editor.org/rfc/rfc9700#section-4.5',
  },
  'RFC 9700 4.7': {
    quote:
      'An attacker might attempt to inject a request to the redirection URI of the legitimate ' +
      "client on the victim's device, e.g., to cause the client to access resources under the " +
      "attacker's control.",
    url: 'https://www.rfc-editor.org/rfc/rfc9700#section-4.7',
  },
  'RFC 9700 4.7.1': {
    quote: 'The same protection is provided by PKCE or the OpenID Connect nonce value.',
    url: 'https://www.rfc-editor.org/rfc/rfc9700#section-4.7.1',
  },
  'Keycloak refresh tokens': {
    quote:
      "Keycloak signs refresh tokens with the realm's HMAC secret (HS512 by default), a key that the realm's JWKS " +
      'never publishes: only the server can verify them.',
    url: 'https://github.com/keycloak/keycloak/issues/15390',
  }, // description
  'RFC 6749 1.5': {
    quote:
      'A refresh token is a string representing the authorization granted to the client by the resource owner. ' +
      'The string is usually opaque to the client.',
    url: 'https://www.rfc-editor.org/rfc/rfc6749#section-1.5',
  },
  'Stitch client-secrets docs': {
    quote:
      'Stitch accepts a private_key_jwt client assertion only when aud is the exact token URL ' +
      'https://secure.stitch.money/connect/token (the issuer alone is not accepted).',
    url: 'https://docs.stitch.money/authentication/client-secrets',
  }, // description: that page documents client_secret_post, not the assertion aud
  'api.stackexchange.com/docs/authentication': {
    quote:
      'This request is responded to with either an error (HTTP status code 400) or an access ' +
      'token of the form access_token=...&expires=1234.',
    url: 'https://api.stackexchange.com/docs/authentication',
  },
};
