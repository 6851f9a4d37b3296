import { isLeft } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { auditorAggregate } from '../../domain/auditor/aggregate.js';
import { AuditorId } from '../../domain/auditor/auditor-id.js';
import type { AuditorEvent } from '../../domain/auditor/events.js';
import { auditorMachine } from '../../domain/auditor/machine.js';
import { given, stateAfter } from '../support/given-when-then.js';

function auditorId(raw: string): AuditorId {
  const decoded = AuditorId.decode(raw);
  if (isLeft(decoded)) throw new Error(`bad auditor id in test: ${raw}`);
  return decoded.right;
}

const carol = auditorId('carol');
const created: AuditorEvent = { type: 'AuditorCreated', data: { auditorId: carol, name: 'Carol', passwordHash: 'scrypt$1' } };
const disabled: AuditorEvent = { type: 'AuditorDisabled', data: { auditorId: carol } };

describe('auditor decider', () => {
  it('creates an auditor of every tenant when no tenant is named', () => {
    given(auditorAggregate, [])
      .when({ type: 'CreateAuditor', auditorId: carol, name: 'Carol', passwordHash: 'scrypt$1' })
      .then([created]);
  });

  it('creates an auditor of named tenants, each named once, in order', () => {
    given(auditorAggregate, [])
      .when({ type: 'CreateAuditor', auditorId: carol, name: 'Carol', passwordHash: 'scrypt$1', tenants: ['globex', 'acme', 'globex'] })
      .then([{ type: 'AuditorCreated', data: { auditorId: carol, name: 'Carol', passwordHash: 'scrypt$1', tenants: ['acme', 'globex'] } }]);
  });

  it('refuses an empty tenant list, which would be ambiguous', () => {
    given(auditorAggregate, [])
      .when({ type: 'CreateAuditor', auditorId: carol, name: 'Carol', passwordHash: 'scrypt$1', tenants: [] })
      .thenFails('validation_failed');
  });

  it('refuses to create an auditor twice, even a disabled one', () => {
    const again = { type: 'CreateAuditor', auditorId: carol, name: 'Other', passwordHash: 'scrypt$2' } as const;
    given(auditorAggregate, [created]).when(again).thenFails('already_exists');
    given(auditorAggregate, [created, disabled]).when(again).thenFails('already_exists');
  });

  it('changes the password of an active auditor', () => {
    given(auditorAggregate, [created])
      .when({ type: 'ChangeAuditorPassword', passwordHash: 'scrypt$2' })
      .then([{ type: 'AuditorPasswordChanged', data: { auditorId: carol, passwordHash: 'scrypt$2' } }]);
  });

  it('refuses a new password for a disabled auditor, and anything for an unknown one', () => {
    given(auditorAggregate, [created, disabled]).when({ type: 'ChangeAuditorPassword', passwordHash: 'scrypt$2' }).thenFails('transition_forbidden');
    given(auditorAggregate, []).when({ type: 'ChangeAuditorPassword', passwordHash: 'scrypt$2' }).thenFails('not_found');
    given(auditorAggregate, []).when({ type: 'DisableAuditor' }).thenFails('not_found');
  });

  it('disables an auditor once; disabling again is a no-op', () => {
    given(auditorAggregate, [created]).when({ type: 'DisableAuditor' }).then([disabled]);
    given(auditorAggregate, [created, disabled]).when({ type: 'DisableAuditor' }).then([]);
  });

  it('keeps scope and password in the machine, and disabled for good', () => {
    const scoped: AuditorEvent = { type: 'AuditorCreated', data: { ...created.data, tenants: ['acme'] } };
    const changed: AuditorEvent = { type: 'AuditorPasswordChanged', data: { auditorId: carol, passwordHash: 'scrypt$2' } };
    const state = stateAfter(auditorMachine, [scoped, changed]);
    expect(state.value).toBe('active');
    expect(state.context).toMatchObject({ tenants: ['acme'], passwordHash: 'scrypt$2' });
    const off = stateAfter(auditorMachine, [scoped, disabled]);
    expect(off.value).toBe('disabled');
    expect(off.can(changed)).toBe(false);
  });

  it('accepts only short lowercase ids that fit a stream name', () => {
    expect(['carol', 'a', 'audit.team-1', 'x_y'].every((id) => AuditorId.is(id))).toBe(true);
    expect(['', 'Carol', '-carol', 'carol-', 'a b', 'a'.repeat(65)].some((id) => AuditorId.is(id))).toBe(false);
  });
});
