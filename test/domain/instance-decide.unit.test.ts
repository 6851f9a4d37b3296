import { describe, it } from 'vitest';
import { instanceAggregate } from '../../domain/instance/aggregate.js';
import { given } from '../support/given-when-then.js';

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
});
