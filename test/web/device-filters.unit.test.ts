// The console's device list logic: filters, search (a MAC in any form), sorting with the MAC
// as tie-break, so that a page of 10,000 devices is stable.
import { describe, expect, it } from 'vitest';
import type { Device } from '../../web/src/models.js';
import { formatMac, noFilters, selectDevices, sitesOf } from '../../web/src/views/device-filters.js';

const device = (mac: string, fields: Partial<Device> = {}): Device => ({
  mac,
  tenant: 'acme',
  state: 'online',
  online: true,
  ip: '127.0.0.1',
  lastSeen: '2026-01-01T00:00:00.000Z',
  connectedSince: null,
  model: 'IP232',
  firmware: '13r1',
  apps: [],
  software: [],
  categories: ['phones'],
  name: null,
  site: null,
  adminCategories: [],
  registeredAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...fields,
});

const devices = [
  device('0011223344c3', { state: 'offline', model: 'IP112', categories: ['lab'] }),
  device('0011223344a1', { tenant: null, state: 'unassigned', firmware: '14r1' }),
  device('0011223344b2', { tenant: 'globex', lastSeen: '2026-02-01T00:00:00.000Z' }),
];
const macs = (list: readonly Device[]): string[] => list.map((item) => item.mac);
const byMac = { key: 'mac', descending: false } as const;

describe('the console device list', () => {
  it('filters by tenant, state, category, model and firmware', () => {
    expect(macs(selectDevices(devices, { ...noFilters, tenant: 'globex' }, byMac))).toEqual(['0011223344b2']);
    expect(macs(selectDevices(devices, { ...noFilters, state: 'unassigned' }, byMac))).toEqual(['0011223344a1']);
    expect(macs(selectDevices(devices, { ...noFilters, category: 'LAB' }, byMac))).toEqual(['0011223344c3']);
    expect(macs(selectDevices(devices, { ...noFilters, model: 'ip1' }, byMac))).toEqual(['0011223344c3']);
    expect(macs(selectDevices(devices, { ...noFilters, firmware: '14' }, byMac))).toEqual(['0011223344a1']);
  });

  it('filters by site and admin-set category, and searches name and site', () => {
    const named = [...devices, device('0011223344d4', { name: 'PC m01', site: 'Berlin', adminCategories: ['pcs'] })];
    expect(macs(selectDevices(named, { ...noFilters, site: 'Berlin' }, byMac))).toEqual(['0011223344d4']);
    expect(macs(selectDevices(named, { ...noFilters, category: 'pcs' }, byMac))).toEqual(['0011223344d4']);
    expect(macs(selectDevices(named, { ...noFilters, q: 'm01' }, byMac))).toEqual(['0011223344d4']);
    expect(macs(selectDevices(named, { ...noFilters, q: 'berl' }, byMac))).toEqual(['0011223344d4']);
    expect(sitesOf([...named, device('0011223344e5', { site: 'Aachen' }), device('0011223344f6', { site: 'Berlin' })])).toEqual(['Aachen', 'Berlin']);
  });

  it('finds a MAC written with colons or dashes', () => {
    expect(macs(selectDevices(devices, { ...noFilters, q: '44:B2' }, byMac))).toEqual(['0011223344b2']);
    expect(macs(selectDevices(devices, { ...noFilters, q: '33-44-c3' }, byMac))).toEqual(['0011223344c3']);
  });

  it('sorts by a column either way, the MAC breaking ties', () => {
    expect(macs(selectDevices(devices, noFilters, byMac))).toEqual(['0011223344a1', '0011223344b2', '0011223344c3']);
    expect(macs(selectDevices(devices, noFilters, { key: 'lastSeen', descending: true }))).toEqual(['0011223344b2', '0011223344a1', '0011223344c3']);
    expect(macs(selectDevices(devices, noFilters, { key: 'tenant', descending: false }))).toEqual(['0011223344a1', '0011223344c3', '0011223344b2']);
  });

  it('writes a MAC with colons', () => {
    expect(formatMac('0011223344a1')).toBe('00:11:22:33:44:a1');
  });
});
