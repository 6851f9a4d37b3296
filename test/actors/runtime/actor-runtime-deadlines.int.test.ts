import * as t from 'io-ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import type { Aggregate } from '../../../domain/aggregate.js';
import { TetherError } from '../../../domain/errors.js';
import { systemPrincipal } from '../../../domain/principal.js';
import { tenantAggregate } from '../../../domain/tenant/aggregate.js';
import { deadlineRetryMs } from '../../../actors/runtime/deadline-timers.js';
import { failingAppends } from '../../support/failing-appends.js';
import { admin, createTenant, RuntimeFixture, storedEvent } from './runtime-fixture.js';

// A code valid until expiresAt: the smallest aggregate with a durable deadline.
const CodeEvent = t.union([
  t.type({ type: t.literal('CodeIssued'), data: t.type({ expiresAt: t.string }) }),
  t.type({ type: t.literal('CodeExpired'), data: t.type({}) }),
]);
type CodeEvent = t.TypeOf<typeof CodeEvent>;
type CodeCommand = { readonly type: 'IssueCode'; readonly expiresAt: string } | { readonly type: 'ExpireCode' };

const codeMachine = setup({ types: { context: {} as { expiresAt: string }, events: {} as CodeEvent } }).createMachine({
  id: 'code',
  initial: 'none',
  context: { expiresAt: '' },
  states: {
    none: { on: { CodeIssued: { target: 'issued', actions: assign({ expiresAt: ({ event }) => event.data.expiresAt }) } } },
    issued: { on: { CodeExpired: 'expired' } },
    expired: {},
  },
});

const codeAggregate: Aggregate<typeof codeMachine, CodeCommand> = {
  category: 'code',
  machine: codeMachine,
  events: CodeEvent,
  decide(state, command, { now }) {
    if (command.type === 'IssueCode') {
      if (!state.matches('none')) throw new TetherError('already_exists', 'code already issued');
      return [{ type: 'CodeIssued', data: { expiresAt: command.expiresAt } }];
    }
    const due = state.matches('issued') && now.getTime() >= Date.parse(state.context.expiresAt);
    return due ? [{ type: 'CodeExpired', data: {} }] : [];
  },
  deadlines: (state) => (state.matches('issued') ? [{ at: state.context.expiresAt, command: { type: 'ExpireCode' } }] : []),
};

const hour = 3_600_000;
let fixture: RuntimeFixture;
beforeEach(() => {
  fixture = new RuntimeFixture();
});
afterEach(async () => {
  await fixture.close();
});

const inAnHour = (): string => new Date(fixture.clock.now().getTime() + hour).toISOString();
const expired = (id: string): Promise<unknown> => storedEvent(fixture.store, { streamPrefixes: [`code-${id}`], eventTypes: ['CodeExpired'] });

describe('deadlines', () => {
  it('decides nothing before the deadline', async () => {
    const runtime = fixture.runtime();
    await runtime.execute(codeAggregate, 'c1', { type: 'IssueCode', expiresAt: inAnHour() }, admin);
    const early = await runtime.execute(codeAggregate, 'c1', { type: 'ExpireCode' }, admin);
    expect(early.events).toEqual([]);
    expect(early.state.value).toBe('issued');
  });

  it('appends the expiry, as the system, once the clock passes the deadline', async () => {
    const runtime = fixture.runtime();
    await runtime.execute(codeAggregate, 'c1', { type: 'IssueCode', expiresAt: inAnHour() }, admin);
    fixture.clock.advance(hour - 1);
    expect(fixture.clock.pending()).toBe(1);
    fixture.clock.advance(1);
    expect(await expired('c1')).toMatchObject({ revision: 1, metadata: { actor: systemPrincipal } });
    expect((await runtime.load(codeAggregate, 'c1')).state.value).toBe('expired');
    expect(fixture.clock.pending()).toBe(0);
  });

  it('re-arms deadlines after a restart and fires overdue ones at once', async () => {
    const before = fixture.runtime();
    await before.execute(codeAggregate, 'done', { type: 'IssueCode', expiresAt: inAnHour() }, admin);
    fixture.clock.advance(hour);
    await expired('done');
    await before.execute(codeAggregate, 'overdue', { type: 'IssueCode', expiresAt: inAnHour() }, admin);
    await before.execute(codeAggregate, 'later', { type: 'IssueCode', expiresAt: new Date(fixture.clock.now().getTime() + 3 * hour).toISOString() }, admin);
    // Another category written last, so the newest event of the store is not a code's.
    await before.execute(tenantAggregate, 'acme', createTenant('acme'), admin);
    await before.stop();
    expect(fixture.clock.pending()).toBe(0);
    fixture.clock.advance(2 * hour);

    const after = fixture.runtime({ store: fixture.openStore() });
    expect(await after.rearmDeadlines(codeAggregate)).toBe(3);
    expect(await expired('overdue')).toMatchObject({ revision: 1 });
    expect(fixture.clock.pending()).toBe(1);
    fixture.clock.advance(hour);
    expect(await expired('later')).toMatchObject({ revision: 1 });
    expect(await fixture.stream('code-done')).toHaveLength(2);
  });

  it('issues a deadline whose append failed (the store unavailable) again shortly after', async () => {
    const failing = failingAppends(fixture.store);
    const runtime = fixture.runtime({ store: failing });
    await runtime.execute(codeAggregate, 'c1', { type: 'IssueCode', expiresAt: inAnHour() }, admin);
    failing.failNext('code-');
    fixture.clock.advance(hour);
    // The failed append's rejection is handled in microtasks; the retry is armed after it.
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(await fixture.stream('code-c1')).toHaveLength(1);
    expect(fixture.clock.pending()).toBe(1);
    fixture.clock.advance(deadlineRetryMs);
    expect(await expired('c1')).toMatchObject({ revision: 1, metadata: { actor: systemPrincipal } });
  });

  it("hands a deadline's command to the live module to complete as it fires, and issues what it returns", async () => {
    let refused: (details: object) => void = () => undefined;
    const refusal = new Promise<object>((resolve) => (refused = resolve));
    const runtime = fixture.runtime({ logger: { error: (details) => refused(details) } });
    const asked: string[] = [];
    runtime.register(codeAggregate, {
      apply: () => undefined,
      atDeadline: (command, id): CodeCommand => {
        asked.push(`${command.type} ${id}`);
        // Completed into a command the aggregate refuses: no expiry is stored.
        return { type: 'IssueCode', expiresAt: inAnHour() };
      },
    });
    await runtime.execute(codeAggregate, 'c1', { type: 'IssueCode', expiresAt: inAnHour() }, admin);
    fixture.clock.advance(hour);
    expect(await refusal).toMatchObject({ err: { code: 'already_exists' }, stream: 'code-c1' });
    expect(asked).toEqual(['ExpireCode c1']);
    expect((await fixture.stream('code-c1')).map((event) => event.type)).toEqual(['CodeIssued']);
    // A refusal stands: it is not issued again.
    fixture.clock.advance(deadlineRetryMs);
    expect(fixture.clock.pending()).toBe(0);
  });
});
