import type { SnapshotFrom } from 'xstate';
import type { DecisionContext } from '../aggregate.js';
import { TetherError } from '../errors.js';
import type { DeviceCommand } from './commands.js';
import type { DeviceConnected, DeviceDetailsSet, DeviceEvent } from './events.js';
import { AdminCategories, DeviceDetailText } from './details.js';
import { maxInventoryText, recordedFields, sameInventory } from './inventory.js';
import type { RecordedInventory } from './inventory.js';
import { formatMac } from './mac.js';
import type { deviceMachine } from './machine.js';

export type DeviceState = SnapshotFrom<typeof deviceMachine>;

export const isRegistered = (state: DeviceState): boolean => !state.matches('unregistered');
export const isOnline = (state: DeviceState): boolean => state.matches({ registered: { presence: 'online' } });
export const isAssigned = (state: DeviceState): boolean => state.matches({ registered: { assignment: 'assigned' } });

type RecordConnection = Extract<DeviceCommand, { type: 'RecordConnection' }>;

/** The connection, with the inventory the hello reported if it is not the one recorded. */
function connected(command: RecordConnection, recorded: RecordedInventory, authenticated: boolean, now: Date): DeviceConnected {
  return {
    type: 'DeviceConnected',
    data: {
      connectionId: command.connectionId,
      ip: command.ip,
      authenticated,
      at: now.toISOString(),
      ...(sameInventory(command.inventory, recorded) ? {} : recordedFields(command.inventory)),
      nodeId: command.nodeId,
    },
  };
}

/** The deployment of the tenant password the caller will send, when the connection proved it is that tenant's device. */
function withTenantPassword(state: DeviceState, command: RecordConnection, authenticated: boolean, events: readonly DeviceEvent[]): readonly DeviceEvent[] {
  const { tenantId } = state.context;
  if (!authenticated || tenantId === undefined || command.tenantPasswordFor !== tenantId) return events;
  return [...events, { type: 'TenantPasswordDeployed', data: { tenantId, connectionId: command.connectionId } }];
}

function decideConnection(state: DeviceState, command: RecordConnection, now: Date): readonly DeviceEvent[] {
  const { context } = state;
  if (!isRegistered(state)) {
    // The registration records the inventory: the connection does not repeat it.
    return [{ type: 'DeviceRegistered', data: { mac: command.mac, ...recordedFields(command.inventory) } }, connected(command, command.inventory, false, now)];
  }
  if (command.mac !== context.mac) {
    throw new TetherError('validation_failed', `hello from ${formatMac(command.mac)} recorded on device ${context.mac}`, ['mac']);
  }
  // Only the assigned device can prove who it is; anyone else shows up as unassigned.
  const authenticated = isAssigned(state) && command.passwordValid;
  if (!isOnline(state)) return withTenantPassword(state, command, authenticated, [connected(command, context, authenticated, now)]);
  if (command.connectionId === context.connectionId) return [];
  // Without the password a newcomer may not push out the live connection: that would let
  // anyone who knows a MAC take a device off the air.
  if (!authenticated) return [{ type: 'DeviceConnectionRefused', data: { ip: command.ip, reason: 'already-connected' } }];
  return withTenantPassword(state, command, true, [
    {
      type: 'DeviceDisconnected',
      data: { connectionId: context.connectionId ?? '', cause: 'superseded', at: now.toISOString() },
    },
    connected(command, context, true, now),
  ]);
}

type SetDeviceDetails = Extract<DeviceCommand, { type: 'SetDeviceDetails' }>;

/** The same items in the same order. */
export const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((item, i) => item === b[i]);

/** One event with the fields that change, or none when nothing does. */
function decideDetails(state: DeviceState, command: SetDeviceDetails): readonly DeviceEvent[] {
  const { context } = state;
  const { name, site } = command;
  for (const [field, text] of [['name', name], ['site', site]] as const) {
    if (typeof text === 'string' && !DeviceDetailText.is(text)) throw new TetherError('validation_failed', `${field}: ${DeviceDetailText.name}`, [field]);
  }
  if (command.categories !== undefined && !AdminCategories.is(command.categories)) {
    throw new TetherError('validation_failed', `categories: ${AdminCategories.name}, each of ${maxInventoryText} characters at most`, ['categories']);
  }
  // A category given twice is one category.
  const categories = command.categories === undefined ? undefined : [...new Set<string>(command.categories)];
  const data: DeviceDetailsSet['data'] = {
    ...(name !== undefined && (name ?? undefined) !== context.name ? { name } : {}),
    ...(site !== undefined && (site ?? undefined) !== context.site ? { site } : {}),
    ...(categories !== undefined && !sameList(categories, context.adminCategories) ? { categories } : {}),
  };
  return Object.keys(data).length === 0 ? [] : [{ type: 'DeviceDetailsSet', data }];
}

function mustBeRegistered(state: DeviceState): void {
  if (!isRegistered(state)) throw new TetherError('not_found', 'no device with this MAC has ever connected');
}

function mustBeTheLiveConnection(state: DeviceState, connectionId: string, what: string): void {
  if (!isOnline(state) || state.context.connectionId !== connectionId) {
    throw new TetherError('transition_forbidden', `${what}: connection ${connectionId} is not the device's live connection`);
  }
}

export function decideDevice(state: DeviceState, command: DeviceCommand, { now }: DecisionContext): readonly DeviceEvent[] {
  const { context } = state;
  switch (command.type) {
    case 'RecordConnection':
      return decideConnection(state, command, now);
    case 'RecordDisconnection':
      // A connection already superseded or closed has nothing left to record.
      if (!isOnline(state) || context.connectionId !== command.connectionId) return [];
      return [{ type: 'DeviceDisconnected', data: { connectionId: command.connectionId, cause: command.cause, at: now.toISOString() } }];
    case 'AssignDevice': {
      mustBeRegistered(state);
      if (command.tenantId === '') throw new TetherError('validation_failed', 'a tenant is required', ['tenantId']);
      if (command.passwordHash === '') throw new TetherError('validation_failed', 'a password hash is required', ['passwordHash']);
      if ((command.via === 'provisioning-code') !== (command.codeId !== undefined)) {
        throw new TetherError('validation_failed', 'a provisioning-code assignment names its code, and only it does', ['codeId']);
      }
      if (!isOnline(state)) {
        throw new TetherError(
          'transition_forbidden',
          `device ${formatMac(context.mac)} is offline: it can be assigned only while connected, since its new password is delivered over its connection`,
        );
      }
      const { tenantId, passwordHash, via, codeId, deliverTo } = command;
      const assigned: DeviceEvent = { type: 'DeviceAssigned', data: { tenantId, passwordHash, via, ...(codeId === undefined ? {} : { codeId }) } };
      if (deliverTo === undefined) return [assigned];
      mustBeTheLiveConnection(state, deliverTo, 'device password');
      return [assigned, { type: 'DevicePasswordDelivered', data: { connectionId: deliverTo } }];
    }
    case 'UnassignDevice':
      mustBeRegistered(state);
      return isAssigned(state) ? [{ type: 'DeviceUnassigned', data: {} }] : [];
    case 'RecordTenantPasswordDeployed':
      mustBeTheLiveConnection(state, command.connectionId, 'tenant password');
      if (!isAssigned(state) || !context.authenticated || context.tenantId === undefined) {
        throw new TetherError('transition_forbidden', 'the tenant password goes only to an assigned device that presented its password');
      }
      // The device may have moved since the caller looked: never send one tenant's password to another's device.
      if (context.tenantId !== command.tenantId) {
        throw new TetherError('transition_forbidden', `device ${formatMac(context.mac)} is no longer in tenant ${command.tenantId}`);
      }
      return [{ type: 'TenantPasswordDeployed', data: { tenantId: context.tenantId, connectionId: command.connectionId } }];
    case 'RecordProvisioningRefused':
      mustBeRegistered(state);
      return [{ type: 'ProvisioningRefused', data: { ip: command.ip, reason: command.reason } }];
    case 'SetDeviceDetails':
      mustBeRegistered(state);
      return decideDetails(state, command);
  }
}
