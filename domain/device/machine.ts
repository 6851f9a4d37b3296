import { assign, setup } from 'xstate';
import type { DeviceEvent } from './events.js';
import type { InstalledApp } from './inventory.js';
import { inventoryAfter } from './inventory.js';

export interface DeviceContext {
  readonly mac: string;
  readonly model: string;
  readonly firmware: string;
  readonly apps: readonly InstalledApp[];
  readonly software: readonly InstalledApp[];
  readonly categories: readonly string[];
  readonly tenantId?: string;
  /** scrypt hash of the device password; kept while a connection without it is online. */
  readonly passwordHash?: string;
  /** The provisioning code the device was assigned with, if any. */
  readonly codeId?: string;
  /** Whether the current device password went out to the device. */
  readonly passwordDelivered: boolean;
  /** The live control connection; set only while online. */
  readonly connectionId?: string;
  /** The hub node holding the live connection's socket; set only while online. */
  readonly nodeId?: string;
  /** Address of the current or last connection. */
  readonly ip?: string;
  /** The live connection belongs to the assigned device; false means it shows as unassigned. */
  readonly authenticated: boolean;
  /** ISO time of the last connect or disconnect. */
  readonly lastSeen?: string;
  readonly refusedConnections: number;
  readonly tenantPasswordDeployments: number;
  readonly lastProvisioningRefusal?: string;
  /** Set by an admin (DeviceDetailsSet), never by the device. */
  readonly name?: string;
  readonly site?: string;
  readonly adminCategories: readonly string[];
}

export const deviceMachine = setup({
  types: { context: {} as DeviceContext, events: {} as DeviceEvent },
  guards: {
    connected: ({ context }) => context.connectionId !== undefined,
    // Only an assigned device has a password to present.
    mayAuthenticate: ({ context, event }) =>
      event.type === 'DeviceConnected' && (!event.data.authenticated || context.passwordHash !== undefined),
    currentConnection: ({ context, event }) =>
      event.type === 'DeviceDisconnected' && event.data.connectionId === context.connectionId,
    // A device password goes out once, to the connection it was assigned on.
    deliverable: ({ context, event }) =>
      event.type === 'DevicePasswordDelivered' &&
      event.data.connectionId === context.connectionId &&
      context.passwordHash !== undefined &&
      !context.passwordDelivered,
    deployable: ({ context, event }) =>
      event.type === 'TenantPasswordDeployed' &&
      context.authenticated &&
      event.data.connectionId === context.connectionId &&
      event.data.tenantId === context.tenantId,
  },
  actions: {
    assignTenant: assign(({ context, event }) =>
      event.type === 'DeviceAssigned'
        ? {
            tenantId: event.data.tenantId,
            passwordHash: event.data.passwordHash,
            codeId: event.data.codeId,
            passwordDelivered: false,
            // The connection being assigned is the one that receives the new password.
            authenticated: true,
          }
        : context,
    ),
  },
}).createMachine({
  id: 'device',
  initial: 'unregistered',
  context: {
    mac: '',
    model: '',
    firmware: '',
    apps: [],
    software: [],
    categories: [],
    passwordDelivered: false,
    authenticated: false,
    refusedConnections: 0,
    tenantPasswordDeployments: 0,
    adminCategories: [],
  },
  states: {
    unregistered: {
      on: {
        DeviceRegistered: {
          target: 'registered',
          actions: assign(({ event }) => ({
            mac: event.data.mac,
            model: event.data.model,
            firmware: event.data.firmware,
            apps: event.data.apps,
            software: event.data.software ?? [],
            categories: event.data.categories,
          })),
        },
      },
    },
    registered: {
      type: 'parallel',
      on: {
        ProvisioningRefused: { actions: assign({ lastProvisioningRefusal: ({ event }) => event.data.reason }) },
        // An absent field is kept; null clears it.
        DeviceDetailsSet: {
          actions: assign(({ context, event }) => ({
            name: event.data.name === undefined ? context.name : (event.data.name ?? undefined),
            site: event.data.site === undefined ? context.site : (event.data.site ?? undefined),
            adminCategories: event.data.categories ?? context.adminCategories,
          })),
        },
      },
      states: {
        assignment: {
          initial: 'unassigned',
          states: {
            unassigned: {
              on: { DeviceAssigned: { guard: 'connected', target: 'assigned', actions: 'assignTenant' } },
            },
            assigned: {
              on: {
                DeviceAssigned: { guard: 'connected', actions: 'assignTenant' },
                DeviceUnassigned: {
                  target: 'unassigned',
                  actions: assign({
                    tenantId: undefined,
                    passwordHash: undefined,
                    codeId: undefined,
                    passwordDelivered: false,
                    authenticated: false,
                  }),
                },
                TenantPasswordDeployed: {
                  guard: 'deployable',
                  actions: assign({ tenantPasswordDeployments: ({ context }) => context.tenantPasswordDeployments + 1 }),
                },
              },
            },
          },
        },
        presence: {
          initial: 'offline',
          states: {
            offline: {
              on: {
                DeviceConnected: {
                  guard: 'mayAuthenticate',
                  target: 'online',
                  actions: assign(({ context, event }) => ({
                    connectionId: event.data.connectionId,
                    nodeId: event.data.nodeId,
                    ip: event.data.ip,
                    authenticated: event.data.authenticated,
                    lastSeen: event.data.at,
                    ...inventoryAfter(context, event.data),
                  })),
                },
              },
            },
            online: {
              on: {
                DeviceDisconnected: {
                  guard: 'currentConnection',
                  target: 'offline',
                  actions: assign({
                    connectionId: undefined,
                    nodeId: undefined,
                    authenticated: false,
                    lastSeen: ({ event }) => event.data.at,
                  }),
                },
                DeviceConnectionRefused: {
                  actions: assign({ refusedConnections: ({ context }) => context.refusedConnections + 1 }),
                },
                DevicePasswordDelivered: {
                  guard: 'deliverable',
                  actions: assign({ passwordDelivered: true }),
                },
              },
            },
          },
        },
      },
    },
  },
});
