import { readFileSync } from 'node:fs';
import type { GraphQLScalarType, GraphQLSchema } from 'graphql';
import { BodyTooLarge, peekFormBody, readLimited } from '../../kernel/form-body.js';
import type { Quirk } from '../../kernel/plugin-types.js';
import { fixturePath } from '../../paths.js';
import { limitRules } from '../../quirks/graphql-limits.js';
import { type ResourceToken, resourceApi } from '../../quirks/resource-api.js';

interface BankAccount {
  id: string;
  name: string;
  accountType: string;
  accountNumber: string;
  bankId: string;
  branchCode: string;
  currency: string;
  availableBalance: { quantity: string; currency: string };
  currentBalance: { quantity: string; currency: string };
  accountHolder: Record<string, unknown>;
}

// Money and AccountHolder are JSON-valued scalars so Stitch's documented query
// (`availableBalance` and `accountHolder` without a selection) stays valid.
const SDL = `
  scalar Money
  scalar AccountHolder
  type BankAccount {
    id: ID!
    name: String!
    accountType: String!
    accountNumber: String!
    bankId: String!
    branchCode: String!
    currency: String!
    availableBalance: Money
    currentBalance: Money
    accountHolder: AccountHolder
  }
  type User { id: ID! bankAccounts: [BankAccount!]! }
  type Query { user: User }
`;

const UNAUTHENTICATED = {
  errors: [{ message: 'UNAUTHENTICATED: Token is expired or malformed' }],
  extensions: { code: 'UNAUTHENTICATED' },
};

type GraphqlModule = typeof import('graphql');

function buildStitchSchema({ buildSchema }: GraphqlModule): GraphQLSchema {
  const schema = buildSchema(SDL);
  for (const name of ['Money', 'AccountHolder']) {
    const type = schema.getType(name) as GraphQLScalarType;
    type.serialize = (value) => value;
  }
  return schema;
}

function loadAccounts(): Record<string, BankAccount[]> {
  return JSON.parse(readFileSync(fixturePath('profiles', 'stitch-bank-accounts.json'), 'utf8')) as Record<
    string,
    BankAccount[]
  >;
}

/** Forbidden in a field resolver becomes a GraphQL error on that field, as Stitch reports missing scopes. */
class ScopeError extends Error {}

function resolversFor(token: ResourceToken, accounts: Record<string, BankAccount[]>) {
  const requireScope = (scope: string) => {
    if (!token.scopes.has(scope)) throw new ScopeError(`FORBIDDEN: the access token lacks the ${scope} scope`);
  };
  return {
    user: () => {
      if (!token.accountId) throw new ScopeError('FORBIDDEN: a user token is required');
      return {
        id: token.accountId,
        bankAccounts: () => {
          requireScope('accounts');
          return (accounts[token.accountId!] ?? []).map((account) => ({
            ...account,
            availableBalance: () => {
              requireScope('balances');
              return account.availableBalance;
            },
            currentBalance: () => {
              requireScope('balances');
              return account.currentBalance;
            },
          }));
        },
      };
    },
  };
}

/** Stitch's GraphQL API (api.stitch.money/graphql): bank accounts from fixtures, guarded by token scopes. */
export function stitchGraphql(): Quirk {
  // graphql-js is loaded on the first API call: most runs never query it, and it is costly at start-up.
  let loaded:
    | Promise<{ mod: GraphqlModule; schema: GraphQLSchema; accounts: Record<string, BankAccount[]> }>
    | undefined;
  const load = () =>
    (loaded ??= import('graphql').then((mod) => ({ mod, schema: buildStitchSchema(mod), accounts: loadAccounts() })));
  return resourceApi({
    name: 'graphql',
    description: 'GraphQL API with user { bankAccounts } (scopes accounts, balances)',
    path: '/graphql',
    methods: ['POST', 'GET'],
    unauthenticated(_problem, koa) {
      koa.status = 401;
      koa.body = UNAUTHENTICATED;
    },
    async handle(koa, token, ctx) {
      let source: unknown;
      let variables: unknown;
      if (koa.method === 'GET') {
        source = koa.query.query;
      } else if ((koa.get('content-type') || '').includes('json')) {
        let text: string;
        try {
          text = await readLimited(koa.req, ctx.limits.graphqlBodyBytes);
        } catch (error) {
          if (!(error instanceof BodyTooLarge)) throw error;
          koa.status = 413;
          koa.body = { errors: [{ message: 'Request body is too large' }] };
          return;
        }
        try {
          ({ query: source, variables } = (JSON.parse(text) ?? {}) as { query?: unknown; variables?: unknown });
        } catch {
          koa.status = 400;
          koa.body = { errors: [{ message: 'Request body is not valid JSON' }] };
          return;
        }
      } else {
        source = (await peekFormBody(koa)).get('query');
      }
      if (typeof source !== 'string' || !source.trim()) {
        koa.status = 400;
        koa.body = { errors: [{ message: 'Must provide query string.' }] };
        return;
      }
      const { mod, schema, accounts } = await load();
      let document;
      try {
        document = mod.parse(source, { maxTokens: ctx.limits.graphqlTokens });
      } catch (error) {
        // As graphql() answered before the limits: a syntax error is a GraphQL result, not an HTTP error.
        koa.status = 200;
        koa.body = { errors: [{ message: (error as Error).message }] };
        return;
      }
      const invalid = mod.validate(schema, document, [
        ...mod.specifiedRules,
        ...limitRules(mod, { maxDepth: ctx.limits.graphqlDepth, maxAliases: ctx.limits.graphqlAliases }),
      ]);
      if (invalid.length) {
        koa.status = 200;
        koa.body = { errors: invalid.map((e) => ({ message: e.message })) };
        return;
      }
      const result = await mod.execute({
        schema,
        document,
        rootValue: resolversFor(token, accounts),
        variableValues: (variables && typeof variables === 'object' ? variables : undefined) as
          | Record<string, unknown>
          | undefined,
      });
      koa.status = 200;
      koa.body = result;
    },
  });
}
