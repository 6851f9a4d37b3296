import { isRight } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { relaySeatsAggregate, tenantLinkSeatsAggregate } from '../../domain/link-seats/aggregate.js';
import { LinkSeatsEvent } from '../../domain/link-seats/events.js';
import { given } from '../support/given-when-then.js';

const takenAt = '2026-01-01T00:00:00.000Z';
const taken = (tunnelId: string): LinkSeatsEvent => ({ type: 'LinkSeatTaken', data: { tunnelId, takenAt } });
const take = (tunnelId: string, capacity: number, ended: readonly string[] = []) => ({ type: 'TakeLinkSeat', tunnelId, capacity, ended }) as const;

describe('link seats', () => {
  it('takes a seat while the live ones are below the capacity', () => {
    given(relaySeatsAggregate, []).when(take('t1', 1)).then([taken('t1')]);
    given(relaySeatsAggregate, [taken('t1')]).when(take('t2', 2)).then([taken('t2')]);
  });

  it('refuses the seat past the capacity, counting seats the caller did not know ended, with the error of what is full', () => {
    given(relaySeatsAggregate, [taken('t1')]).when(take('t2', 1)).thenFails('no_relay_available');
    given(relaySeatsAggregate, [taken('t1'), taken('t2')]).when(take('t3', 2, ['t9'])).thenFails('no_relay_available');
    given(tenantLinkSeatsAggregate, [taken('t1')]).when(take('t2', 1)).thenFails('tenant_link_limit');
  });

  it('frees the ended seats in the append that takes the next one', () => {
    given(tenantLinkSeatsAggregate, [taken('t1'), taken('t2')])
      .when(take('t3', 2, ['t1']))
      .then([{ type: 'LinkSeatsFreed', data: { tunnelIds: ['t1'] } }, taken('t3')]);
  });

  it('frees the seat of an opening that was not stored, once; a retried take changes nothing', () => {
    given(relaySeatsAggregate, [taken('t1')]).when({ type: 'FreeLinkSeat', tunnelId: 't1' }).then([{ type: 'LinkSeatsFreed', data: { tunnelIds: ['t1'] } }]);
    given(relaySeatsAggregate, []).when({ type: 'FreeLinkSeat', tunnelId: 't1' }).then([]);
    given(relaySeatsAggregate, [taken('t1')]).when(take('t1', 1)).then([]);
  });

  it('reads relay seats stored under their former names as the current events', () => {
    const stored = [
      { type: 'RelaySeatTaken', data: { tunnelId: 't1', takenAt } },
      { type: 'RelaySeatsFreed', data: { tunnelIds: ['t1'] } },
    ].map((event) => LinkSeatsEvent.decode(event));
    expect(stored.map((decoded) => (isRight(decoded) ? decoded.right : undefined))).toEqual([taken('t1'), { type: 'LinkSeatsFreed', data: { tunnelIds: ['t1'] } }]);
    expect(isRight(LinkSeatsEvent.decode({ type: 'RelaySeatLost', data: {} }))).toBe(false);
  });
});
