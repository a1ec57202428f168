import * as z from 'zod';
import { DEFAULT_LIMITS } from './limits.js';

// Timestamps must be numbers (OIDC Core 5.1): a string date in a fixture is
// turned into epoch seconds here, so no token or userinfo ever carries a string.
const TIMESTAMP_CLAIMS = new Set(['updated_at', 'auth_time', 'iat', 'exp', 'nbf']);

const claimsRecord = z.record(z.string(), z.unknown()).transform((claims, ctx) => {
  const out: Record<string, unknown> = { ...claims };
  for (const name of TIMESTAMP_CLAIMS) {
    const value = out[name];
    if (value === undefined || typeof value === 'number') continue;
    const parsed = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(parsed)) {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: `${name} must be a number of seconds since the epoch or an ISO date`,
      });
      continue;
    }
    out[name] = Math.floor(parsed / 1000);
  }
  return out;
});

export const UserSchema = z.strictObject({
  sub: z.string().min(1).max(255).describe('Subject identifier, unique within the issuer'),
  username: z.string().min(1).optional().describe('Matched by login_hint besides sub and email'),
  claims: claimsRecord.default({}).describe('Claims returned in the ID token, JWT access tokens and userinfo'),
});

export const AUTH_METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
  'none',
] as const;

const jwksSchema = z.looseObject({ keys: z.array(z.looseObject({ kty: z.string() })).min(1) });

export const ClientSchema = z
  .looseObject({
    client_id: z.string().min(1).max(255),
    client_secret: z.string().min(1).optional(),
    client_name: z.string().optional(),
    token_endpoint_auth_method: z.enum(AUTH_METHODS).default('client_secret_basic'),
    redirect_uris: z.array(z.url()).default([]),
    post_logout_redirect_uris: z.array(z.url()).optional(),
    grant_types: z.array(z.string()).optional(),
    response_types: z.array(z.string()).optional(),
    scope: z.string().optional(),
    jwks: jwksSchema.optional(),
    jwks_uri: z.url().optional(),
    public_key_pem: z
      .string()
      .includes('BEGIN')
      .optional()
      .describe('A PEM public key or certificate for private_key_jwt; turned into the client JWKS'),
    backchannel_logout_uri: z.url().optional(),
  })
  .superRefine((client, ctx) => {
    const method = client.token_endpoint_auth_method;
    if (
      (method === 'client_secret_basic' || method === 'client_secret_post' || method === 'client_secret_jwt') &&
      !client.client_secret
    ) {
      ctx.addIssue({ code: 'custom', path: ['client_secret'], message: `required for ${method}` });
    }
    if (method === 'private_key_jwt' && !client.jwks && !client.jwks_uri && !client.public_key_pem) {
      ctx.addIssue({
        code: 'custom',
        path: ['jwks'],
        message: 'private_key_jwt needs jwks, jwks_uri or public_key_pem',
      });
    }
  });

export const IssuerSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes')
    .describe('Unique name, used in the banner, the API and cookie names'),
  profile: z.string().default('generic').describe('Which provider this issuer imitates'),
  path: z
    .string()
    .regex(/^\/[A-Za-z0-9._~\-/]*$/, 'an absolute path such as /generic')
    .refine((p) => !p.includes('//'), 'no empty segments (//)')
    .optional()
    .describe("Mount path; defaults to the profile's. A trailing slash is kept in the issuer (Auth0 style)"),
  tenant: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .optional()
    .describe('Tenant label used by profiles whose issuer names one'),
  host: z
    .string()
    .regex(/^[a-z0-9.-]+(:\d+)?$/, 'a host name such as secure.stitch.money')
    .optional()
    .describe(
      'Serve this issuer as https://<host><path>, chosen by the Host (or X-Forwarded-Host) ' +
        'header: the real provider hostnames, for msw',
    ),
  aliases: z
    .array(z.string().regex(/^[a-z0-9.-]+(:\d+)?$/))
    .default([])
    .describe('More hosts served by this issuer (e.g. its API host)'),
  clients: z.array(ClientSchema).optional().describe("Replaces the profile's default clients"),
  extraClients: z.array(ClientSchema).default([]).describe("Added to the profile's default clients"),
  users: z.array(UserSchema).optional().describe("Replaces the profile's default users"),
  extraUsers: z.array(UserSchema).default([]).describe("Added to the profile's default users"),
  defaultUser: z.string().optional().describe('sub of the user picked when no login_hint is given'),
  login: z
    .enum(['headless', 'page'])
    .optional()
    .describe('headless: no page, login_hint or the default user; page: a real login page'),
  keys: z
    .union([
      z.strictObject({ set: z.string().regex(/^[a-z0-9/_-]+$/) }),
      z.strictObject({ file: z.string() }),
      z.strictObject({ generate: z.array(z.enum(['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'])).min(1) }),
    ])
    .optional()
    .describe("Signing keys: a fixture set, a JWKS file, or freshly generated (opt-in); default: the profile's set"),
  features: z
    .strictObject({
      backchannelLogout: z.boolean().optional().describe("default on (off where the profile's provider lacks it)"),
      pushedAuthorizationRequests: z
        .boolean()
        .optional()
        .describe("default on (off where the profile's provider lacks it)"),
      registration: z.boolean().optional().describe('default off'),
    })
    .prefault({})
    .describe('Set explicitly, these win over the profile'),
  ttl: z
    .strictObject({
      accessToken: z.number().int().positive().optional(),
      idToken: z.number().int().positive().optional(),
      refreshToken: z.number().int().positive().optional(),
      authorizationCode: z.number().int().positive().optional(),
      clientCredentials: z.number().int().positive().optional(),
    })
    .prefault({}),
  lenient: z.boolean().default(false).describe("Turns off the profile's strict rejections"),
});

export const ConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  port: z.number().int().min(0).max(65535).default(9400),
  host: z.string().min(1).default('127.0.0.1').describe('Bind address; 127.0.0.1 unless asked'),
  publicBaseUrl: z
    .url()
    .optional()
    .describe('Base URL that browsers and tokens use, e.g. http://localhost:9400; default http://<host>:<port>'),
  adminToken: z.string().min(16).optional().describe('Bearer token for /_admin; required when bound beyond loopback'),
  allowedHosts: z
    .array(z.string().regex(/^[A-Za-z0-9.\-[\]:]+$/, 'a host name such as mock-idp or idp.test'))
    .default([])
    .describe(
      "Host names the admin API answers for, besides loopback names and the public URL's host (DNS-rebinding guard)",
    ),
  login: z.enum(['headless', 'page']).default('headless').describe('Default login mode for every issuer'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  logFormat: z.enum(['auto', 'json', 'pretty']).default('auto'),
  profiles: z.array(z.string()).optional().describe('Mount only these default profiles (ignored when issuers is set)'),
  issuers: z.array(IssuerSchema).optional().describe('Issuers to serve; default: every profile at its default path'),
  requestLogSize: z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .default(2000)
    .describe('Newest requests kept in the request log (older ones drop off)'),
  store: z
    .string()
    .regex(/^(memory|rediss?:\/\/\S+)$/, 'memory, or a Redis URL such as redis://localhost:6379/0')
    .default('memory')
    .describe(
      'Where codes, sessions, tokens and run-time changes live: memory (one process, lost on ' +
        'restart) or a Redis URL shared by replicas and restarts',
    ),
  limits: z
    .strictObject({
      adminBodyBytes: z
        .number()
        .int()
        .min(1024)
        .max(64 * 1024 * 1024)
        .default(DEFAULT_LIMITS.adminBodyBytes),
      headerBytes: z
        .number()
        .int()
        .min(1024)
        .max(1024 * 1024)
        .default(DEFAULT_LIMITS.headerBytes),
      scenarioCopies: z.number().int().min(1).max(10_000).default(DEFAULT_LIMITS.scenarioCopies),
      graphqlBodyBytes: z
        .number()
        .int()
        .min(1024)
        .max(64 * 1024 * 1024)
        .default(DEFAULT_LIMITS.graphqlBodyBytes),
      graphqlTokens: z.number().int().min(10).max(1_000_000).default(DEFAULT_LIMITS.graphqlTokens),
      graphqlDepth: z.number().int().min(1).max(1000).default(DEFAULT_LIMITS.graphqlDepth),
      graphqlAliases: z.number().int().min(0).max(100_000).default(DEFAULT_LIMITS.graphqlAliases),
    })
    // prefault: an absent `limits` is parsed as {}, so every field gets its default.
    .prefault({})
    .describe(
      'Bounds on request sizes and scenario copies (see docs/hardening.md); the defaults suit any realistic test',
    ),
  storeSize: z
    .number()
    .int()
    .min(100)
    .default(10_000)
    .describe(
      'Per-issuer bound on stored codes, tokens and sessions, in units of 1 KB: a typical entry ' +
        'is one unit, a large one one per started KB (least recently used go first; a login stores ' +
        'about 7)',
    ),
});

export type UserConfig = z.output<typeof UserSchema>;
export type ClientConfig = z.output<typeof ClientSchema>;
export type IssuerConfig = z.output<typeof IssuerSchema>;
export type IssuerInput = z.input<typeof IssuerSchema>;
export type MockIdpConfig = z.output<typeof ConfigSchema>;
export type MockIdpConfigInput = z.input<typeof ConfigSchema>;
export type TokenEndpointAuthMethod = (typeof AUTH_METHODS)[number];
