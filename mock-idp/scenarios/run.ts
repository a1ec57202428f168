import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SigningKey } from '../keys/key-set.js';
import { fixturePath } from '../paths.js';
import type { Fault, Scenario, ScenarioStep } from './types.js';

type StepRoute = ScenarioStep['when']['route'];

// A fixed key, not a generated one: RSA generation costs tens of ms, and what a
// rotation test needs is a kid the client has never seen, which a fresh kid gives.
const rotationKeys = (JSON.parse(readFileSync(fixturePath('keys', 'rotation.json'), 'utf8')) as { keys: SigningKey[] })
  .keys;

/**
 * One client's pass through a scenario: how many logins it started and
 * redeemed, which steps fired, its rotated key, and its previous authorization
 * response. Runs are per client (or per scenario-issuer instance), so parallel
 * tests never see each other's progress.
 */
export class ScenarioRun {
  readonly #counts = new Map<StepRoute, number>();
  readonly #fired = new Set<number>();
  readonly #hits = new Map<Fault, number>();
  #active: readonly Fault[];
  /** The key a fired rotation step signs with. */
  rotatedKey: SigningKey | undefined;
  /** The parameters of the last authorization response sent to this client. */
  previousResponse: URLSearchParams | undefined;
  /** The nonces of the client's latest logins, newest last: a few, since only "another login's" is ever asked for. */
  readonly #nonces: string[] = [];

  constructor(readonly scenario: Scenario) {
    this.#active = scenario.faults;
  }

  /** Counts a request of a step route and fires the steps it triggers. */
  observe(route: StepRoute, signingAlg: string): void {
    const count = (this.#counts.get(route) ?? 0) + 1;
    this.#counts.set(route, count);
    (this.scenario.steps ?? []).forEach((step, index) => {
      if (this.#fired.has(index) || step.when.route !== route || step.when.nth !== count) return;
      this.#fired.add(index);
      if (step.rotateSigningKey) {
        const base = rotationKeys.find((k) => k.alg === signingAlg) ?? rotationKeys[0]!;
        this.rotatedKey = { ...base, kid: `rotated-${randomBytes(6).toString('hex')}` };
      }
      this.#active = [...this.#active, ...(step.faults ?? [])];
    });
  }

  /** Notes the nonce a login of this client sent (an authorization request's). */
  noteLoginNonce(nonce: unknown): void {
    if (typeof nonce !== 'string' || nonce === this.#nonces.at(-1)) return;
    this.#nonces.push(nonce);
    if (this.#nonces.length > 4) this.#nonces.shift();
  }

  /** The nonce of this client's latest login other than the one that sent `current`, if it sent one. */
  otherLoginNonce(current: unknown): string | undefined {
    return this.#nonces.findLast((nonce) => nonce !== current);
  }

  /** The faults in force now: the scenario's own plus those of every fired step. */
  faults<T extends Fault['target']>(target: T): Extract<Fault, { target: T }>[] {
    return this.#active.filter((f): f is Extract<Fault, { target: T }> => f.target === target);
  }

  /** True while a fault limited to `times` requests still has some left; counts this one. */
  consume(fault: Fault & { times?: number }): boolean {
    if (fault.times === undefined) return true;
    const hits = this.#hits.get(fault) ?? 0;
    if (hits >= fault.times) return false;
    this.#hits.set(fault, hits + 1);
    return true;
  }
}
