// The console's device list logic: filters, search (a MAC in any form, the API writing 00:11:22:AA:BB:CC), sorting with the MAC
// as tie-break, so that a page of 10,000 devices is stable.
import { describe, expect, it } from 'vitest';
import type { Device } from '../../web/src/models.js';
import { deviceStream, formatMac, noFilters, selectDevices, sitesOf } from '../../web/src/views/device-filters.js';

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
  device('00:11:22:33:44:C3', { state: 'offline', model: 'IP112', categories: ['lab'] }),
  device('00:11:22:33:44:A1', { tenant: null, state: 'unassigned', firmware: '14r1' }),
  device('00:11:22:33:44:B2', { tenant: 'globex', lastSeen: '2026-02-01T00:00:00.000Z' }),
];
const macs = (list: readonly Device[]): string[] => list.map((item) => item.mac);
const byMac = { key: 'mac', descending: false } as const;

describe('the console device list', () => {
  it('filters by tenant, state, category, model and firmware', () => {
    expect(macs(selectDevices(devices, { ...noFilters, tenant: 'globex' }, byMac))).toEqual(['00:11:22:33:44:B2']);
    expect(macs(selectDevices(devices, { ...noFilters, state: 'unassigned' }, byMac))).toEqual(['00:11:22:33:44:A1']);
    expect(macs(selectDevices(devices, { ...noFilters, category: 'LAB' }, byMac))).toEqual(['00:11:22:33:44:C3']);
    expect(macs(selectDevices(devices, { ...noFilters, model: 'ip1' }, byMac))).toEqual(['00:11:22:33:44:C3']);
    expect(macs(selectDevices(devices, { ...noFilters, firmware: '14' }, byMac))).toEqual(['00:11:22:33:44:A1']);
  });

  it('filters by site and admin-set category, and searches name and site', () => {
    const named = [...devices, device('00:11:22:33:44:D4', { name: 'PC m01', site: 'Berlin', adminCategories: ['pcs'] })];
    expect(macs(selectDevices(named, { ...noFilters, site: 'Berlin' }, byMac))).toEqual(['00:11:22:33:44:D4']);
    expect(macs(selectDevices(named, { ...noFilters, category: 'pcs' }, byMac))).toEqual(['00:11:22:33:44:D4']);
    expect(macs(selectDevices(named, { ...noFilters, q: 'm01' }, byMac))).toEqual(['00:11:22:33:44:D4']);
    expect(macs(selectDevices(named, { ...noFilters, q: 'berl' }, byMac))).toEqual(['00:11:22:33:44:D4']);
    const hyphenated = [...devices, device('00:11:22:33:44:E7', { name: 'gw-01', site: 'site-a' })];
    expect(macs(selectDevices(hyphenated, { ...noFilters, q: 'gw-01' }, byMac))).toEqual(['00:11:22:33:44:E7']);
    expect(macs(selectDevices(hyphenated, { ...noFilters, q: 'site-a' }, byMac))).toEqual(['00:11:22:33:44:E7']);
    expect(sitesOf([...named, device('00:11:22:33:44:E5', { site: 'Aachen' }), device('00:11:22:33:44:F6', { site: 'Berlin' })])).toEqual(['Aachen', 'Berlin']);
  });

  it('finds a MAC written with colons or dashes', () => {
    expect(macs(selectDevices(devices, { ...noFilters, q: '44:B2' }, byMac))).toEqual(['00:11:22:33:44:B2']);
    expect(macs(selectDevices(devices, { ...noFilters, q: '33-44-c3' }, byMac))).toEqual(['00:11:22:33:44:C3']);
  });

  it('sorts by a column either way, the MAC breaking ties', () => {
    expect(macs(selectDevices(devices, noFilters, byMac))).toEqual(['00:11:22:33:44:A1', '00:11:22:33:44:B2', '00:11:22:33:44:C3']);
    expect(macs(selectDevices(devices, noFilters, { key: 'lastSeen', descending: true }))).toEqual(['00:11:22:33:44:B2', '00:11:22:33:44:A1', '00:11:22:33:44:C3']);
    expect(macs(selectDevices(devices, noFilters, { key: 'tenant', descending: false }))).toEqual(['00:11:22:33:44:A1', '00:11:22:33:44:C3', '00:11:22:33:44:B2']);
  });

  it('finds a MAC written without separators, in either case', () => {
    expect(macs(selectDevices(devices, { ...noFilters, q: '3344a1' }, byMac))).toEqual(['00:11:22:33:44:A1']);
    expect(macs(selectDevices(devices, { ...noFilters, q: '0011223344B2' }, byMac))).toEqual(['00:11:22:33:44:B2']);
  });

  it('writes a MAC as the API does, upper case with colons, from any spelling', () => {
    for (const spelling of ['0011223344a1', '00-11-22-33-44-a1', '00:11:22:33:44:A1']) expect(formatMac(spelling)).toBe('00:11:22:33:44:A1');
  });

  it('names the device stream with the MAC in 12 lower-case hex digits', () => {
    expect(deviceStream('00:11:22:33:44:A1')).toBe('device-0011223344a1');
  });
});
