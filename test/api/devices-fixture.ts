// Devices for API tests, made through the real write path (the actor runtime) rather than
// the gateway: a hello is RecordConnection, an assignment AssignDevice.
import { randomUUID } from 'node:crypto';
import type { CommandContext } from '../../domain/command-context.js';
import { deviceAggregate } from '../../domain/device/aggregate.js';
import type { DeviceCommand } from '../../domain/device/commands.js';
import type { DeviceInventory } from '../../domain/device/inventory.js';
import { parseMac } from '../../domain/device/mac.js';
import { systemPrincipal } from '../../domain/principal.js';
import type { Hub } from '../../api/hub.js';

const gateway: CommandContext = { principal: systemPrincipal, ip: '192.0.2.1' };
const admin: CommandContext = { principal: { id: 'admin', role: 'admin' } };

export const phone: DeviceInventory = { model: 'IP232', firmware: '13r1', apps: [{ name: 'devices', version: '13r1' }], software: [], categories: ['phones'] };

export interface DeviceSpec {
  readonly mac: string;
  readonly tenant?: string;
  readonly inventory?: DeviceInventory;
  /** Default true; false: it disconnects after the assignment. */
  readonly online?: boolean;
}

export class Devices {
  private readonly connections = new Map<string, string>();

  constructor(private readonly hub: Hub) {}

  /** Runs the command and waits until the hub's read models show it. */
  async execute(mac: string, command: DeviceCommand, context: CommandContext = gateway): Promise<void> {
    const executed = await this.hub.runtime.execute(deviceAggregate, parseMac(mac), command, context);
    if (executed.position !== undefined) await this.hub.readModels.waitFor(executed.position, 5000);
  }

  async connect(mac: string, passwordValid: boolean, inventory: DeviceInventory = phone): Promise<string> {
    const connectionId = randomUUID();
    const canonical = parseMac(mac);
    await this.execute(mac, { type: 'RecordConnection', mac: canonical, connectionId, ip: '192.0.2.50', inventory, passwordValid, nodeId: 'test' });
    this.connections.set(canonical, connectionId);
    return connectionId;
  }

  async disconnect(mac: string): Promise<void> {
    const connectionId = this.connections.get(parseMac(mac)) ?? '';
    await this.execute(mac, { type: 'RecordDisconnection', connectionId, cause: 'closed' });
  }

  async assign(mac: string, tenantId: string): Promise<void> {
    await this.execute(mac, { type: 'AssignDevice', tenantId, passwordHash: 'scrypt$test-device-password', via: 'admin' }, admin);
  }

  /** Connects it, assigns it when a tenant is given, and takes it offline if asked. */
  async add(spec: DeviceSpec): Promise<void> {
    await this.connect(spec.mac, false, spec.inventory ?? phone);
    if (spec.tenant !== undefined) await this.assign(spec.mac, spec.tenant);
    if (spec.online === false) await this.disconnect(spec.mac);
  }
}
