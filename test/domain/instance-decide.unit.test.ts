import { describe, expect, it } from 'vitest';
import { instanceAggregate } from '../../domain/instance/aggregate.js';
import { instanceMachine } from '../../domain/instance/machine.js';
import { given, stateAfter } from '../support/given-when-then.js';

describe('instance admin', () => {
  it('is initialized once, with the hash it is given', () => {
    given(instanceAggregate, [])
      .when({ type: 'InitializeAdmin', passwordHash: 'scrypt$h' })
      .then([{ type: 'AdminPasswordSet', data: { passwordHash: 'scrypt$h' } }]);
  });

  it('refuses a second initialization', () => {
    given(instanceAggregate, [{ type: 'AdminPasswordSet', data: { passwordHash: 'scrypt$h' } }])
      .when({ type: 'InitializeAdmin', passwordHash: 'scrypt$other' })
      .thenFails('already_exists');
  });

  it('changes the password of an existing admin, each change a new credential generation', () => {
    const set = (passwordHash: string) => ({ type: 'AdminPasswordSet' as const, data: { passwordHash } });
    given(instanceAggregate, [set('scrypt$h')])
      .when({ type: 'ChangeAdminPassword', passwordHash: 'scrypt$new' })
      .then([set('scrypt$new')]);
    given(instanceAggregate, []).when({ type: 'ChangeAdminPassword', passwordHash: 'scrypt$new' }).thenFails('transition_forbidden');
    const state = stateAfter(instanceMachine, [set('scrypt$1'), set('scrypt$2'), set('scrypt$3')]);
    expect(state.context).toEqual({ adminPasswordHash: 'scrypt$3', credentialGeneration: 3 });
  });
});
