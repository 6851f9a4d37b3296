// What the console keeps of the dashboard: snapshots replace all of a model or the tenants
// they name, parts add to it, changes replace or remove one item, a job's progress carries
// its job, and the position only moves forward.
import { describe, expect, it } from 'vitest';
import { LiveItems } from '../../web/src/live-items.js';

const device = (mac: string, tenant: string | null, state = 'online') => ({ mac, tenant, state });
const macs = (items: LiveItems): string[] => items.all<{ mac: string }>('devices').map((item) => item.mac).sort();

describe('the console\'s live items', () => {
  it('takes a snapshot in parts, the first replacing everything it covers', () => {
    const items = new LiveItems();
    items.applySnapshot({ model: 'devices', position: 3, tenants: null, items: [device('a1', 'acme')], part: 0 });
    items.applySnapshot({ model: 'devices', position: 3, tenants: null, items: [device('b1', 'globex')], part: 1 });
    expect(macs(items)).toEqual(['a1', 'b1']);
    items.applySnapshot({ model: 'devices', position: 5, tenants: null, items: [device('c1', null)], part: 0 });
    expect(macs(items)).toEqual(['c1']);
    expect(items.position).toBe(5);
  });

  it('replaces only the tenants a scoped snapshot names', () => {
    const items = new LiveItems();
    items.applySnapshot({ model: 'devices', position: 3, tenants: null, items: [device('a1', 'acme'), device('b1', 'globex')], part: 0 });
    items.applySnapshot({ model: 'devices', position: 7, tenants: ['globex'], items: [], part: 0 });
    expect(macs(items)).toEqual(['a1']);
  });

  it('keeps a job of several tenants when a scoped snapshot replaces only some of them', () => {
    const items = new LiveItems();
    const job = { id: 'j1', tenants: ['acme', 'globex'] };
    items.applySnapshot({ model: 'jobs', position: 3, tenants: null, items: [job, { id: 'j2', tenants: ['globex'] }], part: 0 });
    items.applySnapshot({ model: 'jobs', position: 7, tenants: ['globex'], items: [], part: 0 });
    expect(items.all<{ id: string }>('jobs').map((item) => item.id)).toEqual(['j1']);
  });

  it('applies a change, and a removal when a device left the viewer\'s tenants', () => {
    const items = new LiveItems();
    items.applySnapshot({ model: 'devices', position: 3, tenants: null, items: [device('a1', 'acme')], part: 0 });
    items.applyChange('devices', { position: 4, payload: device('a1', 'acme', 'offline') });
    expect(items.get<{ state: string }>('devices', 'a1')?.state).toBe('offline');
    items.applyChange('devices', { position: 6, payload: { mac: 'a1', tenant: 'acme', removed: true } });
    expect(macs(items)).toEqual([]);
    expect(items.position).toBe(6);
  });

  it('keeps a job from its progress, and never moves the position back', () => {
    const items = new LiveItems();
    items.applyChange('jobs', { position: 9, payload: { job: { id: 'j1', name: 'to 2.0' }, device: { mac: 'a1' } } });
    items.reached(4);
    expect(items.all<{ name: string }>('jobs').map((job) => job.name)).toEqual(['to 2.0']);
    expect(items.position).toBe(9);
  });

  it('has no position before it heard anything, so the first subscription asks for a snapshot', () => {
    expect(new LiveItems().position).toBeUndefined();
  });
});
