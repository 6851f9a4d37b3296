import * as t from 'io-ts';

export const Role = t.keyof({
  admin: null,
  'tenant-admin': null,
  owner: null,
  operator: null,
  auditor: null,
  device: null,
  relay: null,
  system: null,
});
export type Role = t.TypeOf<typeof Role>;

/**
 * Who acts: carried by every command and recorded on every event. `tenants`: an auditor
 * limited to these tenants (absent: an auditor of every tenant), or the tenants an owner or
 * operator belongs to. A person's account acts as `user@<id>`, whatever its role.
 */
export const Principal = t.intersection([
  t.type({ id: t.string, role: Role }),
  t.partial({ tenant: t.string, tenants: t.readonlyArray(t.string) }),
]);
export type Principal = t.TypeOf<typeof Principal>;

export const systemPrincipal: Principal = { id: 'system', role: 'system' };

/** A device acting on its own connection: its answers, its hello. */
export const devicePrincipal = (mac: string): Principal => ({ id: `device-${mac}`, role: 'device' });
