import { isLeft } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { tenantAggregate } from '../../domain/tenant/aggregate.js';
import type { TenantEvent } from '../../domain/tenant/events.js';
import { tenantMachine } from '../../domain/tenant/machine.js';
import { TenantId } from '../../domain/tenant/tenant-id.js';
import { given, stateAfter } from '../support/given-when-then.js';

function tenantId(raw: string): TenantId {
  const decoded = TenantId.decode(raw);
  if (isLeft(decoded)) throw new Error(`bad tenant id in test: ${raw}`);
  return decoded.right;
}

const acme = tenantId('acme');
const globex = tenantId('globex');
const initech = tenantId('initech');

const created: TenantEvent = { type: 'TenantCreated', data: { tenantId: acme, name: 'ACME', passwordHash: 'scrypt$1' } };
const granted = (grantedTenantId: string): TenantEvent => ({ type: 'TenantAccessGranted', data: { tenantId: acme, grantedTenantId } });
const revoked = (grantedTenantId: string): TenantEvent => ({ type: 'TenantAccessRevoked', data: { tenantId: acme, grantedTenantId } });

describe('tenant decider', () => {
  it('creates a tenant that does not exist', () => {
    given(tenantAggregate, [])
      .when({ type: 'CreateTenant', tenantId: acme, name: 'ACME', passwordHash: 'scrypt$1' })
      .then([created]);
  });

  it('refuses to create a tenant twice', () => {
    given(tenantAggregate, [created])
      .when({ type: 'CreateTenant', tenantId: acme, name: 'Other', passwordHash: 'scrypt$2' })
      .thenFails('already_exists');
  });

  it('changes the password of an existing tenant', () => {
    given(tenantAggregate, [created])
      .when({ type: 'ChangeTenantPassword', passwordHash: 'scrypt$2' })
      .then([{ type: 'TenantPasswordChanged', data: { tenantId: acme, passwordHash: 'scrypt$2' } }]);
  });

  it('grants access to another tenant', () => {
    given(tenantAggregate, [created]).when({ type: 'GrantTenantAccess', grantedTenantId: globex }).then([granted(globex)]);
  });

  it('refuses a grant of the tenant to itself', () => {
    given(tenantAggregate, [created]).when({ type: 'GrantTenantAccess', grantedTenantId: acme }).thenFails('validation_failed');
  });

  it('decides nothing for a grant that already holds, so clients may retry', () => {
    given(tenantAggregate, [created, granted(globex)]).when({ type: 'GrantTenantAccess', grantedTenantId: globex }).then([]);
  });

  it('grants again after a revocation', () => {
    given(tenantAggregate, [created, granted(globex), revoked(globex)])
      .when({ type: 'GrantTenantAccess', grantedTenantId: globex })
      .then([granted(globex)]);
  });

  it('revokes a grant that holds', () => {
    given(tenantAggregate, [created, granted(globex), granted(initech)])
      .when({ type: 'RevokeTenantAccess', grantedTenantId: globex })
      .then([revoked(globex)]);
  });

  it('decides nothing when revoking a grant that does not hold', () => {
    given(tenantAggregate, [created, granted(initech)]).when({ type: 'RevokeTenantAccess', grantedTenantId: globex }).then([]);
  });
});

describe('tenant machine', () => {
  it('allows nothing but TenantCreated before the tenant exists', () => {
    const absent = stateAfter(tenantMachine, []);
    expect(absent.can(created)).toBe(true);
    expect(absent.can({ type: 'TenantPasswordChanged', data: { tenantId: acme, passwordHash: 'x' } })).toBe(false);
    expect(absent.can(granted(globex))).toBe(false);
    expect(absent.can(revoked(globex))).toBe(false);
  });

  it('does not allow a second TenantCreated', () => {
    expect(stateAfter(tenantMachine, [created]).can(created)).toBe(false);
  });

  it('allows a grant only of another tenant not granted yet', () => {
    const state = stateAfter(tenantMachine, [created, granted(globex)]);
    expect(state.can(granted(globex))).toBe(false);
    expect(state.can(granted(acme))).toBe(false);
    expect(state.can(granted(initech))).toBe(true);
  });

  it('allows a revocation only of a grant that holds', () => {
    const state = stateAfter(tenantMachine, [created, granted(globex)]);
    expect(state.can(revoked(initech))).toBe(false);
    expect(state.can(revoked(globex))).toBe(true);
    expect(stateAfter(tenantMachine, [created, granted(globex), revoked(globex)]).can(revoked(globex))).toBe(false);
  });

  it('folds the history into context', () => {
    const state = stateAfter(tenantMachine, [
      created,
      granted(globex),
      granted(initech),
      revoked(globex),
      { type: 'TenantPasswordChanged', data: { tenantId: acme, passwordHash: 'scrypt$3' } },
    ]);
    expect(state.context).toEqual({ tenantId: acme, name: 'ACME', passwordHash: 'scrypt$3', credentialGeneration: 2, grants: [initech], passwordDeployment: true });
  });

  it('keeps the sealed password of the last change, and forgets it on a change without one', () => {
    const sealedCreation: TenantEvent = { type: 'TenantCreated', data: { tenantId: acme, name: 'ACME', passwordHash: 'scrypt$1', sealedPassword: 'v1.a' } };
    const resealed: TenantEvent = { type: 'TenantPasswordChanged', data: { tenantId: acme, passwordHash: 'scrypt$2', sealedPassword: 'v1.b' } };
    expect(stateAfter(tenantMachine, [sealedCreation]).context.sealedPassword).toBe('v1.a');
    expect(stateAfter(tenantMachine, [sealedCreation, resealed]).context.sealedPassword).toBe('v1.b');
    const unsealed: TenantEvent = { type: 'TenantPasswordChanged', data: { tenantId: acme, passwordHash: 'scrypt$3' } };
    expect(stateAfter(tenantMachine, [sealedCreation, resealed, unsealed]).context.sealedPassword).toBeUndefined();
  });
});

describe('tenant password deployment', () => {
  const turned = (enabled: boolean): TenantEvent => ({ type: 'TenantPasswordDeploymentChanged', data: { tenantId: acme, enabled } });

  it('is on from creation', () => {
    expect(stateAfter(tenantMachine, [created]).context.passwordDeployment).toBe(true);
  });

  it('turns off and on again; setting what holds decides nothing', () => {
    given(tenantAggregate, [created]).when({ type: 'SetTenantPasswordDeployment', enabled: false }).then([turned(false)]);
    given(tenantAggregate, [created]).when({ type: 'SetTenantPasswordDeployment', enabled: true }).then([]);
    given(tenantAggregate, [created, turned(false)]).when({ type: 'SetTenantPasswordDeployment', enabled: true }).then([turned(true)]);
    expect(stateAfter(tenantMachine, [created, turned(false)]).context.passwordDeployment).toBe(false);
  });

  it('refuses the setting for a tenant that does not exist', () => {
    given(tenantAggregate, []).when({ type: 'SetTenantPasswordDeployment', enabled: false }).thenFails('not_found');
  });

  it('carries the sealed password into the events, never the password', () => {
    given(tenantAggregate, [])
      .when({ type: 'CreateTenant', tenantId: acme, name: 'ACME', passwordHash: 'scrypt$1', sealedPassword: 'v1.sealed' })
      .then([{ type: 'TenantCreated', data: { tenantId: acme, name: 'ACME', passwordHash: 'scrypt$1', sealedPassword: 'v1.sealed' } }]);
    given(tenantAggregate, [created])
      .when({ type: 'ChangeTenantPassword', passwordHash: 'scrypt$2', sealedPassword: 'v1.other' })
      .then([{ type: 'TenantPasswordChanged', data: { tenantId: acme, passwordHash: 'scrypt$2', sealedPassword: 'v1.other' } }]);
  });
});
