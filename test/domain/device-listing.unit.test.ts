import { describe, expect, it } from 'vitest';
import { listedTenantOf, listStateOf, seesTenant } from '../../domain/device/listing.js';

describe('the listed-tenant rule', () => {
  it('lists an assigned device in its tenant, online or not', () => {
    expect(listedTenantOf({ tenantId: 'acme', online: false, authenticated: false })).toBe('acme');
    expect(listStateOf({ tenantId: 'acme', online: false, authenticated: false })).toBe('offline');
    expect(listedTenantOf({ tenantId: 'acme', online: true, authenticated: true })).toBe('acme');
    expect(listStateOf({ tenantId: 'acme', online: true, authenticated: true })).toBe('online');
  });

  it('shows a device unassigned while a connection without its password is live, though it keeps its assignment', () => {
    expect(listedTenantOf({ tenantId: 'acme', online: true, authenticated: false })).toBeNull();
    expect(listStateOf({ tenantId: 'acme', online: true, authenticated: false })).toBe('unassigned');
  });

  it('lists a device without a tenant in no tenant', () => {
    expect(listedTenantOf({ tenantId: null, online: true, authenticated: true })).toBeNull();
    expect(listedTenantOf({ tenantId: undefined, online: false, authenticated: false })).toBeNull();
  });

  it('lets a principal of every tenant see any device, and one of some tenants only the devices listed in them', () => {
    expect(seesTenant(undefined, null)).toBe(true);
    expect(seesTenant(['acme'], 'acme')).toBe(true);
    expect(seesTenant(['acme'], 'globex')).toBe(false);
    expect(seesTenant(['acme'], null)).toBe(false);
  });
});
