import type { UserConfig } from '../config/schema.js';

export interface User {
  sub: string;
  username?: string | undefined;
  claims: Record<string, unknown>;
}

/** The users of one issuer, looked up by sub, username or email (what a login_hint may carry). */
export class UserStore {
  readonly #users = new Map<string, User>();
  #defaultSub: string | undefined;

  constructor(users: readonly UserConfig[], defaultSub?: string) {
    for (const user of users) this.upsert(user);
    if (defaultSub !== undefined && !this.#users.has(defaultSub)) {
      throw new Error(`defaultUser "${defaultSub}" is not one of the issuer's users`);
    }
    this.#defaultSub = defaultSub;
  }

  list(): User[] {
    return [...this.#users.values()];
  }

  get(sub: string): User | undefined {
    return this.#users.get(sub);
  }

  /** login_hint may be a sub, a username or an email address (case-insensitive). */
  findByHint(hint: string): User | undefined {
    const exact = this.#users.get(hint);
    if (exact) return exact;
    const lower = hint.toLowerCase();
    for (const user of this.#users.values()) {
      if (user.username?.toLowerCase() === lower) return user;
      const email = user.claims.email;
      if (typeof email === 'string' && email.toLowerCase() === lower) return user;
    }
    return undefined;
  }

  defaultUser(): User | undefined {
    return (this.#defaultSub && this.#users.get(this.#defaultSub)) || this.#users.values().next().value;
  }

  upsert(user: UserConfig | User): User {
    const stored: User = { sub: user.sub, username: user.username, claims: { ...user.claims } };
    this.#users.set(user.sub, stored);
    return stored;
  }

  replaceAll(users: readonly User[], defaultSub: string | undefined): void {
    this.#users.clear();
    for (const user of users) this.upsert(user);
    this.#defaultSub = defaultSub;
  }

  remove(sub: string): boolean {
    if (this.#defaultSub === sub) this.#defaultSub = undefined;
    return this.#users.delete(sub);
  }

  claimNames(): Set<string> {
    const names = new Set<string>();
    for (const user of this.#users.values()) for (const name of Object.keys(user.claims)) names.add(name);
    return names;
  }
}
