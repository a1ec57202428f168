import { UserAgent } from '../mock-idp/index.js';
import { offIssuerAuthorization } from './adapters/off-issuer.js';
import type { CaseContext, ClientOutcome } from './types.js';

/**
 * The browser a case hands its client: it never goes to authorize anywhere but at the issuer, as the web and command
 * adapters never do (adapters/off-issuer.ts). A client that sends it elsewhere used what discovery named there; that
 * the host then fails to answer (attacker.example resolves nowhere) must not read as the client refusing it.
 */
export class CaseBrowser extends UserAgent {
  readonly #context: Pick<CaseContext, 'issuer' | 'clientId'>;
  #leftIssuer: Extract<ClientOutcome, { ok: false }> | undefined;

  constructor(context: Pick<CaseContext, 'issuer' | 'clientId'>) {
    super();
    this.#context = context;
  }

  // Every hop of a navigation comes through here: one the client's own page redirects off the issuer is caught too.
  override request(url: URL | string, init?: RequestInit): Promise<Response> {
    const target = URL.canParse(url) ? new URL(url) : undefined;
    const left = target && offIssuerAuthorization(target, this.#context, 'the client');
    if (!left) return super.request(url, init);
    this.#leftIssuer = left;
    return Promise.reject(Object.assign(new Error(left.message), { code: left.code }));
  }

  /**
   * The outcome of the client having sent this browser to authorize off the issuer since the last call, whatever the
   * client reported: each action of a case (a login, then a logout in the same browser) is judged on its own.
   */
  takeLeftIssuer(): Extract<ClientOutcome, { ok: false }> | undefined {
    const left = this.#leftIssuer;
    this.#leftIssuer = undefined;
    return left;
  }
}
