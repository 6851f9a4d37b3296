import { describe, expect, it } from 'vitest';
import { authorize, can } from '../../api/permissions.js';
import type { Action, Resource } from '../../api/permissions.js';
import { isTetherError } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';

const admin: Principal = { id: 'admin', role: 'admin' };
const tenantAdmin: Principal = { id: 'tenant-admin@acme', role: 'tenant-admin', tenant: 'acme' };
const auditor: Principal = { id: 'auditor-1', role: 'auditor' };
const device: Principal = { id: 'device-1', role: 'device' };

const all: readonly [Resource, Action][] = [
  ['tenant', 'create'],
  ['tenant', 'read'],
  ['tenantPassword', 'update'],
  ['tenantGrant', 'create'],
  ['tenantGrant', 'delete'],
];

describe('permissions', () => {
  it('gives the admin everything', () => {
    all.forEach(([resource, action]) => expect(can(admin, resource, action)).toBe(true));
  });

  it('lets a tenant-admin read tenants and change a password, nothing more', () => {
    const allowed = all.filter(([resource, action]) => can(tenantAdmin, resource, action));
    expect(allowed).toEqual([
      ['tenant', 'read'],
      ['tenantPassword', 'update'],
    ]);
  });

  it('keeps an auditor read-only', () => {
    expect(all.filter(([resource, action]) => can(auditor, resource, action))).toEqual([['tenant', 'read']]);
  });

  it('gives a device nothing here', () => {
    expect(all.some(([resource, action]) => can(device, resource, action))).toBe(false);
  });

  it('tells unauthenticated from forbidden', () => {
    const failure = (principal: Principal | undefined): unknown => {
      try {
        authorize(principal, 'tenant', 'create');
      } catch (error) {
        return error;
      }
      return undefined;
    };
    expect(isTetherError(failure(undefined), 'unauthenticated')).toBe(true);
    expect(isTetherError(failure(auditor), 'forbidden')).toBe(true);
    expect(failure(admin)).toBeUndefined();
  });
});
