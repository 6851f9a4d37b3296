// Who may open and close DeviceLinks, and who may read remote sessions.
import { describe, expect, it } from 'vitest';
import { can } from '../../api/permissions.js';
import type { Action, Resource } from '../../api/permissions.js';
import type { Principal } from '../../domain/principal.js';

const principals = {
  admin: { id: 'admin', role: 'admin' },
  tenantAdmin: { id: 'tenant-admin@acme', role: 'tenant-admin', tenant: 'acme' },
  auditor: { id: 'auditor-1', role: 'auditor' },
  device: { id: 'device-1', role: 'device' },
  relay: { id: 'relay-1', role: 'relay' },
} satisfies Record<string, Principal>;

const pairs: readonly [Resource, Action][] = [
  ['deviceLink', 'create'],
  ['deviceLink', 'read'],
  ['deviceLink', 'update'],
  ['deviceLink', 'delete'],
  ['session', 'create'],
  ['session', 'read'],
  ['session', 'update'],
  ['session', 'delete'],
];

const granted = (who: keyof typeof principals): string[] =>
  pairs.filter(([resource, action]) => can(principals[who], resource, action)).map((pair) => pair.join(':'));

describe('DeviceLink and session permissions', () => {
  it.each([
    ['admin', pairs.map((pair) => pair.join(':'))],
    ['tenantAdmin', ['deviceLink:create', 'deviceLink:delete', 'session:read']],
    ['auditor', ['session:read']],
    ['device', []],
    ['relay', []],
  ] as const)('gives %s exactly these', (who, expected) => {
    expect(granted(who)).toEqual(expected);
  });
});
