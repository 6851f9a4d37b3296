import { isLeft } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { userAggregate } from '../../domain/user/aggregate.js';
import type { UserCommand } from '../../domain/user/commands.js';
import type { UserEvent } from '../../domain/user/events.js';
import { userMachine } from '../../domain/user/machine.js';
import { UserId } from '../../domain/user/user-id.js';
import { given, stateAfter } from '../support/given-when-then.js';

function userId(raw: string): UserId {
  const decoded = UserId.decode(raw);
  if (isLeft(decoded)) throw new Error(`bad user id in test: ${raw}`);
  return decoded.right;
}

const dana = userId('dana');
const create = { type: 'CreateUser', userId: dana, name: 'Dana', passwordHash: 'scrypt$1', role: 'operator', tenants: ['globex', 'acme', 'globex'] } as const;
const created: UserEvent = { type: 'UserCreated', data: { userId: dana, name: 'Dana', passwordHash: 'scrypt$1', role: 'operator', tenants: ['acme', 'globex'] } };
const disabled: UserEvent = { type: 'UserDisabled', data: { userId: dana } };
const enabled: UserEvent = { type: 'UserEnabled', data: { userId: dana } };
const deleted: UserEvent = { type: 'UserDeleted', data: { userId: dana } };
const passwordChanged: UserEvent = { type: 'UserPasswordChanged', data: { userId: dana, passwordHash: 'scrypt$2' } };

describe('user decider', () => {
  it('creates an operator of its tenants, each named once, in order', () => {
    given(userAggregate, []).when(create).then([created]);
  });

  it('keeps an email when one is given', () => {
    given(userAggregate, [])
      .when({ type: 'CreateUser', userId: dana, name: 'Dana', email: 'dana@example.com', passwordHash: 'scrypt$1', role: 'admin' })
      .then([{ type: 'UserCreated', data: { userId: dana, name: 'Dana', email: 'dana@example.com', passwordHash: 'scrypt$1', role: 'admin' } }]);
  });

  it.each<[string, UserCommand]>([
    ['an owner without tenants', { ...create, role: 'owner', tenants: [] }],
    ['an operator with no tenant list', { type: 'CreateUser', userId: dana, name: 'Dana', passwordHash: 'scrypt$1', role: 'operator' }],
    ['an admin with tenants', { ...create, role: 'admin' }],
    ['an auditor with an empty tenant list', { ...create, role: 'auditor', tenants: [] }],
  ])('refuses %s', (_, command) => {
    given(userAggregate, []).when(command).thenFails('validation_failed');
  });

  it('creates an auditor of every tenant when no tenant is named', () => {
    given(userAggregate, [])
      .when({ type: 'CreateUser', userId: dana, name: 'Dana', passwordHash: 'scrypt$1', role: 'auditor' })
      .then([{ type: 'UserCreated', data: { userId: dana, name: 'Dana', passwordHash: 'scrypt$1', role: 'auditor' } }]);
  });

  it('refuses to create a user twice, even a deleted one', () => {
    given(userAggregate, [created]).when(create).thenFails('already_exists');
    given(userAggregate, [created, deleted]).when(create).thenFails('already_exists');
  });

  it('changes the password of an active or a disabled user', () => {
    given(userAggregate, [created]).when({ type: 'ChangeUserPassword', passwordHash: 'scrypt$2' }).then([passwordChanged]);
    given(userAggregate, [created, disabled]).when({ type: 'ChangeUserPassword', passwordHash: 'scrypt$2' }).then([passwordChanged]);
  });

  it('disables and enables, each a no-op the second time', () => {
    given(userAggregate, [created]).when({ type: 'DisableUser' }).then([disabled]);
    given(userAggregate, [created, disabled]).when({ type: 'DisableUser' }).then([]);
    given(userAggregate, [created, disabled]).when({ type: 'EnableUser' }).then([enabled]);
    given(userAggregate, [created]).when({ type: 'EnableUser' }).then([]);
  });

  it('deletes an active or a disabled user', () => {
    given(userAggregate, [created]).when({ type: 'DeleteUser' }).then([deleted]);
    given(userAggregate, [created, disabled]).when({ type: 'DeleteUser' }).then([deleted]);
  });

  it.each<UserCommand>([
    { type: 'ChangeUserPassword', passwordHash: 'scrypt$2' },
    { type: 'DisableUser' },
    { type: 'EnableUser' },
    { type: 'DeleteUser' },
  ])('treats a deleted or unknown user as not found: $type', (command) => {
    given(userAggregate, []).when(command).thenFails('not_found');
    given(userAggregate, [created, deleted]).when(command).thenFails('not_found');
  });

  it('moves the credential generation on with each password and each enabling, never back', () => {
    const generation = (events: readonly UserEvent[]): number => stateAfter(userMachine, events).context.credentialGeneration;
    expect(generation([created])).toBe(1);
    expect(generation([created, passwordChanged])).toBe(2);
    expect(generation([created, disabled, enabled])).toBe(2);
    expect(generation([created, passwordChanged, disabled, enabled])).toBe(3);
  });
});
