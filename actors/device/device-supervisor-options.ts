// How a device supervisor is built.
import type { EventStore } from '../../domain/ports/event-store.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import type { GatewayAdmission } from '../gateway/gateway-admission.js';
import type { SecretSeal } from '../secrets/secret-seal.js';

export interface DeviceSupervisorLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface DeviceSupervisorOptions {
  readonly runtime: ActorRuntime;
  readonly store: EventStore;
  readonly seal: SecretSeal;
  /** Recorded with each connection, so this node can close its own after a crash. */
  readonly nodeId: string;
  /** The codeId of a provisioning code as typed (see domain/provisioning/code-id.ts). */
  readonly provisioningCodeId: (code: string) => string;
  /** Whether an address may register one more MAC never seen before (given back if its hello stores nothing). */
  readonly admission: Pick<GatewayAdmission, 'register' | 'releaseRegistration'>;
  readonly logger: DeviceSupervisorLogger;
}
