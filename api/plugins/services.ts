// The hub's shared services, decorated onto the root instance for every route plugin.
import fp from 'fastify-plugin';
import type { ActorRuntime } from '../../actors/runtime/actor-runtime.js';
import type { BackupJobSupervisor } from '../../actors/backup-job/backup-job-supervisor.js';
import type { DeviceSupervisor } from '../../actors/device/device-supervisor.js';
import type { ForwardPlane } from '../../actors/forward-session/forward-plane.js';
import type { RelayService } from '../../actors/relay/relay-service.js';
import type { RestoreRequests } from '../../actors/restore/restore-requests.js';
import type { SecretSeal } from '../../actors/secrets/secret-seal.js';
import type { TunnelSupervisor } from '../../actors/tunnel/tunnel-supervisor.js';
import type { UpdateJobSupervisor } from '../../actors/update-job/update-job-supervisor.js';
import type { DeviceLinkConfig } from '../devicelink-config.js';
import type { HubMetrics } from '../metrics/hub-metrics.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import type { ProjectionRunner } from '../../projections/projection-runner.js';

export interface HubServices {
  readonly runtime: ActorRuntime;
  readonly readModels: ProjectionRunner;
  readonly eventStore: EventStore;
  readonly clock: Clock;
  /** How long a command's reply waits for the local read models to show its events. */
  readonly readYourWritesTimeoutMs: number;
  /** Seals secrets the hub must give back later (tenant passwords it deploys to devices). */
  readonly secretSeal: SecretSeal;
  /** This node's live device connections. */
  readonly devices: DeviceSupervisor;
  /** This node's live DeviceLinks. */
  readonly tunnels: TunnelSupervisor;
  /** This node's proxies and protocol-application connections. */
  readonly forwards: ForwardPlane;
  /** Relay servers: their rsstatus messages, channels and admin commands. */
  readonly relays: RelayService;
  readonly deviceLink: DeviceLinkConfig;
  /** This node's update and backup jobs, and restores in progress. */
  readonly updateJobs: UpdateJobSupervisor;
  readonly backupJobs: BackupJobSupervisor;
  readonly restores: RestoreRequests;
  /** What /metrics reports; jobs and relays add their own metrics to its registry. */
  readonly metrics: HubMetrics;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: HubServices;
  }
}

export const services = fp<HubServices>(
  async (app, options) => {
    app.decorate('services', {
      runtime: options.runtime,
      readModels: options.readModels,
      eventStore: options.eventStore,
      clock: options.clock,
      readYourWritesTimeoutMs: options.readYourWritesTimeoutMs,
      secretSeal: options.secretSeal,
      devices: options.devices,
      tunnels: options.tunnels,
      forwards: options.forwards,
      relays: options.relays,
      deviceLink: options.deviceLink,
      updateJobs: options.updateJobs,
      backupJobs: options.backupJobs,
      restores: options.restores,
      metrics: options.metrics,
    });
  },
  { name: 'tether-services' },
);
