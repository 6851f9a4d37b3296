// Failed logins per client address, in fixed windows read from the injected clock. Failures
// are stored (domain/login-attempts), so those on one hub node count on every other; attempts
// still being checked are counted by the node checking them, before the password is, so a
// burst on one node cannot all pass while none has failed yet. A burst spread over several
// nodes at the same instant may reach the check up to the limit on each; once failures are
// stored, every node refuses. Successful logins store nothing.
// A plain counter rather than @fastify/rate-limit: that counts every request, and only
// failures must count, or an operator's scripted logins would lock themselves out.
import { clientAddressId } from '../actors/gateway/client-address-id.js';
import type { ActorRuntime } from '../actors/runtime/actor-runtime.js';
import { StreamTurns } from '../actors/runtime/stream-turns.js';
import type { CommandContext } from '../domain/command-context.js';
import { loginAttemptsAggregate } from '../domain/login-attempts/aggregate.js';
import { retryAfterSeconds } from '../domain/login-attempts/decide.js';
import { LoginThrottled } from '../domain/login-attempts/login-throttled.js';
import type { Clock } from '../domain/ports/clock.js';

export interface LoginThrottleLimits {
  /** Failures allowed per window; the next attempt is refused until the window ends. */
  readonly maxFailures: number;
  readonly windowMs: number;
}

export const defaultLoginThrottleLimits: LoginThrottleLimits = { maxFailures: 5, windowMs: 60_000 };

export class LoginThrottle {
  /** Attempts of each address being checked on this node. */
  private readonly checking = new Map<string, number>();
  // Reading the stored failures and counting an attempt, or storing a failure and uncounting
  // it, are one step per address: a read cannot miss a failure this node is storing.
  private readonly turns = new StreamTurns();

  constructor(
    private readonly runtime: ActorRuntime,
    private readonly clock: Clock,
    private readonly limits: LoginThrottleLimits = defaultLoginThrottleLimits,
  ) {}

  /**
   * Checks a login of `client` unless its failures (every node's) and the attempts being
   * checked here reach the limit: throws LoginThrottled then. `check` answers undefined for
   * wrong credentials, which is stored as a failure.
   */
  async attempt<T>(client: string, context: CommandContext, check: () => Promise<T | undefined>): Promise<T | undefined> {
    const id = clientAddressId(client);
    await this.turns.run(id, async () => {
      const { state } = await this.runtime.load(loginAttemptsAggregate, id);
      const wait = retryAfterSeconds(state, this.checking.get(id) ?? 0, this.limits, this.clock.now());
      if (wait !== undefined) throw new LoginThrottled(wait);
      this.checking.set(id, (this.checking.get(id) ?? 0) + 1);
    });
    // A check that threw (the store is down) is no failed login: it is only uncounted.
    let failed = false;
    try {
      const result = await check();
      failed = result === undefined;
      return result;
    } finally {
      await this.turns.run(id, async () => {
        try {
          if (failed) await this.runtime.execute(loginAttemptsAggregate, id, { type: 'RecordLoginFailure', windowMs: this.limits.windowMs }, context);
        } finally {
          this.uncount(id);
        }
      });
    }
  }

  private uncount(id: string): void {
    const left = (this.checking.get(id) ?? 1) - 1;
    if (left > 0) this.checking.set(id, left);
    else this.checking.delete(id);
  }
}
