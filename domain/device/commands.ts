import type { ProvisioningRefusalReason } from '../provisioning/refusal-reason.js';
import type { DeviceDetailsChange } from './details.js';
import type { AssignedVia, DisconnectCause } from './events.js';
import type { DeviceInventory } from './inventory.js';
import type { Mac } from './mac.js';

// Secrets never reach domain/: the caller hashes new passwords and verifies presented ones
// (crypto is the runtime's work) and passes the hash or the verdict.
export type DeviceCommand =
  | {
      readonly type: 'RecordConnection';
      readonly mac: Mac;
      readonly connectionId: string;
      readonly ip: string;
      readonly inventory: DeviceInventory;
      /** The hello carried the password matching the stored hash. */
      readonly passwordValid: boolean;
      /** The hub node that holds the connection's socket. */
      readonly nodeId: string;
      /**
       * The tenant whose password the caller will send on this connection: recorded with the
       * connection (one append, not two) if the connection proves to be that tenant's device.
       */
      readonly tenantPasswordFor?: string;
    }
  | { readonly type: 'RecordDisconnection'; readonly connectionId: string; readonly cause: DisconnectCause }
  | {
      readonly type: 'AssignDevice';
      readonly tenantId: string;
      readonly passwordHash: string;
      readonly via: AssignedVia;
      readonly codeId?: string;
      /**
       * The device's live connection its new password goes out on: the delivery is recorded
       * with the assignment, one decision. Absent: the password goes nowhere (a record made
       * without a live connection, as an import or a fixture would).
       */
      readonly deliverTo?: string;
    }
  | { readonly type: 'UnassignDevice' }
  /** `tenantId`: the tenant whose password goes out; refused unless the device is in that tenant. */
  | { readonly type: 'RecordTenantPasswordDeployed'; readonly connectionId: string; readonly tenantId: string }
  | { readonly type: 'RecordProvisioningRefused'; readonly ip: string; readonly reason: ProvisioningRefusalReason }
  | ({ readonly type: 'SetDeviceDetails' } & DeviceDetailsChange);
