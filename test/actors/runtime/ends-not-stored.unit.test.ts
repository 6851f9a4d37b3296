// An end that could not be stored is recorded again on the injected clock, waiting twice as long
// after each failure up to a cap; the first failure is logged, later ones only now and then.
import { describe, expect, it } from 'vitest';
import { EndsNotStored, endRetryCapMs, endRetryMs } from '../../../actors/runtime/ends-not-stored.js';
import { ManualClock } from '../../support/manual-clock.js';

/** Lets the record attempt fired by advance() settle. */
const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function retrying(failures: number) {
  const clock = new ManualClock();
  const logged: number[] = [];
  let attempts = 0;
  const ends = new EndsNotStored({ clock, logger: { error: (fields) => logged.push(Number(fields.failures)) }, what: 'a test' });
  const record = async (): Promise<void> => {
    attempts += 1;
    if (attempts <= failures) throw new Error('the store is unavailable');
  };
  ends.notStored('link-1', record, { tunnelId: 'link-1' });
  return { clock, ends, logged, attempts: () => attempts };
}

describe('ends not stored', () => {
  it('records an end again after 1 s, 2 s, 4 s… up to the cap, until it is stored', async () => {
    const { clock, attempts } = retrying(8);
    const waits = [endRetryMs, 2 * endRetryMs, 4 * endRetryMs, 8 * endRetryMs, 16 * endRetryMs, 32 * endRetryMs, endRetryCapMs, endRetryCapMs, endRetryCapMs];
    for (const [i, wait] of waits.entries()) {
      clock.advance(wait - 1);
      await settled();
      expect(attempts()).toBe(i);
      clock.advance(1);
      await settled();
      expect(attempts()).toBe(i + 1);
    }
    expect(clock.pending()).toBe(0);
  });

  it('logs the first failure, then only at 2, 4, 8… failures', async () => {
    const { clock, logged } = retrying(9);
    for (let i = 0; i < 10; i += 1) {
      clock.advance(endRetryCapMs);
      await settled();
    }
    expect(logged).toEqual([1, 2, 4, 8]);
  });

  it('stops at shutdown, and once the end is stored by other means', async () => {
    const stopped = retrying(5);
    stopped.ends.stop();
    stopped.clock.advance(endRetryCapMs);
    await settled();
    expect(stopped.attempts()).toBe(0);

    const storedElsewhere = retrying(5);
    storedElsewhere.ends.stored('link-1');
    storedElsewhere.clock.advance(endRetryCapMs);
    await settled();
    expect([storedElsewhere.attempts(), storedElsewhere.clock.pending()]).toEqual([0, 0]);
  });
});
