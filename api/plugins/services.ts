// The hub's shared services, decorated onto the root instance for every route plugin.
import fp from 'fastify-plugin';
import type { ActorRuntime } from '../../actors/actor-runtime.js';
import type { DeviceSupervisor } from '../../actors/device-supervisor.js';
import type { SecretSeal } from '../../actors/secret-seal.js';
import type { TunnelSupervisor } from '../../actors/tunnel-supervisor.js';
import type { DeviceLinkConfig } from '../devicelink-config.js';
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
  readonly deviceLink: DeviceLinkConfig;
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
      deviceLink: options.deviceLink,
    });
  },
  { name: 'tether-services' },
);
