// The inventory a connection leaves recorded: the one rule the device machine and the device
// list both apply.
import { describe, expect, it } from 'vitest';
import { inventoryAfter } from '../../domain/device/inventory.js';

const recorded = {
  model: 'X1',
  firmware: '1.0',
  apps: [{ name: 'modbus', version: '2' }],
  software: [{ name: 'libssl', version: '3' }],
  categories: ['pumps'],
};

describe('the inventory after a connection', () => {
  it('is the recorded one when the connection reports none', () => {
    expect(inventoryAfter(recorded, {})).toEqual(recorded);
  });

  it('is the reported one, and an inventory reported without software means none', () => {
    const reported = { model: 'X2', firmware: '2.0', apps: [], categories: ['valves'] };
    expect(inventoryAfter(recorded, reported)).toEqual({ ...reported, software: [] });
  });

  it('keeps the reported software', () => {
    const software = [{ name: 'libssl', version: '4' }];
    expect(inventoryAfter(recorded, { model: 'X1', firmware: '1.0', apps: [], categories: [], software }).software).toEqual(software);
  });
});
