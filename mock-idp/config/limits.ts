/**
 * Bounds that keep one mock-idp process alive under hostile or careless input. The
 * defaults hold for any realistic test; each can be raised in the config file's `limits`.
 */
export interface Limits {
  /** Largest JSON body the admin API and the console read. */
  adminBodyBytes: number;
  /** Largest request head (request line and headers) Node accepts before answering 431. */
  headerBytes: number;
  /** Scenario issuer copies (`<issuer>/s/<scenario>~<id>`) kept per issuer; the least recently used go. */
  scenarioCopies: number;
  /** Largest GraphQL request body (Stitch's API). */
  graphqlBodyBytes: number;
  /** Tokens, nesting depth and aliases of one GraphQL document. */
  graphqlTokens: number;
  graphqlDepth: number;
  graphqlAliases: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  adminBodyBytes: 1024 * 1024,
  headerBytes: 16 * 1024,
  scenarioCopies: 64,
  graphqlBodyBytes: 56 * 1024,
  // Stitch's schema is four levels deep: these never limit a real query.
  graphqlTokens: 2000,
  graphqlDepth: 8,
  graphqlAliases: 20,
});
