// What the device supervisor must hear from the log, whichever node appended it: a
// connection ended elsewhere, an assignment changed, an admin changed what it says of a device,
// a tenant password to deploy again.
import type { EventStore, RecordedEvent } from '../../domain/ports/event-store.js';
import { idOf } from '../../domain/stream-name.js';
import { followLog } from '../runtime/log-follower.js';
import type { LogFollower } from '../runtime/log-follower.js';

export interface DeviceEventHandlers {
  /** A connection was recorded as ended (e.g. another node superseded it). */
  connectionEnded(mac: string, connectionId: string): void;
  /** The device was assigned, moved or unassigned. */
  assignmentChanged(mac: string): void;
  /** An admin set the device's name, site or categories. */
  detailsChanged(mac: string): void;
  /** The tenant's password changed, or its deployment was turned on. */
  tenantPasswordToDeploy(tenantId: string, cause: RecordedEvent): void;
}

export type DeviceEventFollower = LogFollower;

const followed = ['DeviceDisconnected', 'DeviceAssigned', 'DeviceUnassigned', 'DeviceDetailsSet', 'TenantPasswordChanged', 'TenantPasswordDeploymentChanged'];

function dispatch(event: RecordedEvent, handlers: DeviceEventHandlers): void {
  const id = idOf(event.stream);
  switch (event.type) {
    case 'DeviceDisconnected':
      if (typeof event.data.connectionId === 'string') handlers.connectionEnded(id, event.data.connectionId);
      return;
    case 'DeviceAssigned':
    case 'DeviceUnassigned':
      handlers.assignmentChanged(id);
      return;
    case 'DeviceDetailsSet':
      handlers.detailsChanged(id);
      return;
    case 'TenantPasswordChanged':
      handlers.tenantPasswordToDeploy(id, event);
      return;
    case 'TenantPasswordDeploymentChanged':
      if (event.data.enabled === true) handlers.tenantPasswordToDeploy(id, event);
      return;
  }
}

/** Follows the log from its end (the past is in the actors' state); `onError` hears if it breaks. */
export function followDeviceEvents(store: EventStore, handlers: DeviceEventHandlers, onError: (error: unknown) => void): DeviceEventFollower {
  return followLog(store, { streamPrefixes: ['device-', 'tenant-'], eventTypes: followed }, (event) => dispatch(event, handlers), onError);
}
