// The composition root: concrete adapters wired into the ports, fastify and socket.io on
// one HTTP server. buildHub() returns a hub ready to listen; close() undoes it in order.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyServerFactory } from 'fastify';
import { ActorRuntime } from '../actors/actor-runtime.js';
import { DeviceSupervisor } from '../actors/device-supervisor.js';
import { SecretSeal } from '../actors/secret-seal.js';
import { systemClock } from '../actors/system-clock.js';
import { TunnelSupervisor } from '../actors/tunnel-supervisor.js';
import type { Clock } from '../domain/ports/clock.js';
import type { EventStore } from '../domain/ports/event-store.js';
import { provisioningAggregate } from '../domain/provisioning/aggregate.js';
import { ChangeLog } from '../projections/change-log/index.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { attachDashboard } from './dashboard.js';
import { defaultDeviceLinkConfig } from './devicelink-config.js';
import type { DeviceLinkConfig } from './devicelink-config.js';
import type { HubIo } from './dashboard.js';
import { openEventStore } from './event-store-factory.js';
import type { EventStoreConfig } from './event-store-factory.js';
import { attachGateway } from './gateway/gateway-server.js';
import type { GatewayTimings } from './gateway/gateway-server.js';
import { assertAdminPassword, ensureInstanceAdmin } from './instance-admin.js';
import { loggerOptions } from './logger-options.js';
import { defaultLoginThrottleLimits } from './login-throttle.js';
import type { LoginThrottleLimits } from './login-throttle.js';
import { authentication } from './plugins/authentication.js';
import { errorHandling } from './plugins/error-handling.js';
import { services } from './plugins/services.js';
import type { HubServices } from './plugins/services.js';
import { provisioningCodeId } from './provisioning-code-secret.js';
import { readModelFile, readModelProjections } from './read-models.js';
import { auditRoutes } from './routes/audit.js';
import { auditorRoutes } from './routes/auditors.js';
import { authRoutes } from './routes/auth.js';
import { deviceAssignmentRoutes } from './routes/device-assignment.js';
import { deviceLinkRoutes } from './routes/devicelink.js';
import { healthRoutes } from './routes/health.js';
import { deviceRoutes } from './routes/devices.js';
import { provisioningCodeRoutes } from './routes/provisioning-codes.js';
import { sessionRoutes } from './routes/sessions.js';
import { tenantPasswordDeploymentRoutes } from './routes/tenant-password-deployment.js';
import { tenantRoutes } from './routes/tenants.js';
import { loadOrCreateSealKey, parseSealKey } from './seal-key.js';
import { visibleTenants } from './tenant-scope.js';
import { assertTokenSecret, loadOrCreateTokenSecret } from './token-secret.js';

export interface HubConfig extends EventStoreConfig {
  /** Names this node's read-model file, so hubs sharing a data directory keep their own. */
  readonly nodeId: string;
  /** Signs bearer tokens; default: <dataDir>/token-secret, generated on first use. */
  readonly tokenSecret?: string;
  /** The instance admin's password on first start; default: generated (see Hub.generatedAdminPassword). */
  readonly adminPassword?: string;
  readonly clock?: Clock;
  /** pino level; default 'info'. */
  readonly logLevel?: string;
  readonly loginThrottle?: LoginThrottleLimits;
  /** A vercel/ms duration; default '12h'. */
  readonly tokenLifetime?: string;
  /** Default 5000. */
  readonly readYourWritesTimeoutMs?: number;
  /** 64 hex digits sealing the tenant passwords deployed to devices; default: <dataDir>/seal-key, generated on first use. */
  readonly sealKey?: string;
  /** PEM certificate and key: serve https and wss instead of http and ws. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  readonly gateway?: GatewayTimings;
  /** About how many recent read-model changes this node keeps for dashboards to resume from; default 20 000. */
  readonly resumableChanges?: number;
  /** DeviceLink ports, bind address and request defaults; default: ports 40000-40999 on 127.0.0.1. */
  readonly deviceLink?: DeviceLinkConfig;
  /** How often an open link's byte totals are appended while they change; default 5000 ms. */
  readonly linkProgressIntervalMs?: number;
}

export interface Hub {
  readonly app: FastifyInstance;
  readonly io: HubIo;
  readonly store: EventStore;
  readonly runtime: ActorRuntime;
  readonly readModels: ProjectionRunner;
  /** This node's live device connections. */
  readonly devices: DeviceSupervisor;
  /** This node's live DeviceLinks. */
  readonly tunnels: TunnelSupervisor;
  /** Present only when this start created the instance admin with a generated password. */
  readonly generatedAdminPassword?: string;
  /**
   * Stops accepting, disconnects dashboards and devices (recording each device's hub-shutdown),
   * finishes requests, then stops runtime, projections and store.
   */
  close(): Promise<void>;
}

const bodyLimitBytes = 1024 * 1024;

export async function buildHub(config: HubConfig): Promise<Hub> {
  const clock = config.clock ?? systemClock;
  assertAdminPassword(config.adminPassword);
  mkdirSync(config.dataDir, { recursive: true });
  const tokenSecret =
    config.tokenSecret === undefined
      ? await loadOrCreateTokenSecret(config.dataDir)
      : assertTokenSecret(config.tokenSecret, 'TETHER_TOKEN_SECRET');
  const secretSeal = new SecretSeal(
    config.sealKey === undefined ? await loadOrCreateSealKey(config.dataDir) : parseSealKey(config.sealKey, 'TETHER_SEAL_KEY'),
  );
  const { tls } = config;
  const httpsFactory: FastifyServerFactory | undefined =
    tls === undefined ? undefined : (handler) => createHttpsServer({ cert: tls.cert, key: tls.key }, handler);

  const app = Fastify({
    logger: loggerOptions(config.logLevel ?? 'info'),
    bodyLimit: bodyLimitBytes,
    genReqId: () => randomUUID(),
    ...(httpsFactory === undefined ? {} : { serverFactory: httpsFactory }),
  });
  const store = openEventStore(config);
  const runtime = new ActorRuntime({ store, clock, logger: app.log });
  const changeLog = new ChangeLog({ retain: config.resumableChanges });
  const readModels = new ProjectionRunner({
    store,
    file: readModelFile(config.dataDir, config.nodeId),
    projections: readModelProjections,
    logger: app.log,
    journal: changeLog,
  });
  const devices = new DeviceSupervisor({ runtime, store, seal: secretSeal, nodeId: config.nodeId, provisioningCodeId, logger: app.log });
  const deviceLink = config.deviceLink ?? defaultDeviceLinkConfig('127.0.0.1');
  const tunnels = new TunnelSupervisor({
    runtime,
    store,
    clock,
    devices,
    nodeId: config.nodeId,
    ports: deviceLink.ports,
    bindAddress: deviceLink.bindAddress,
    logger: app.log,
    ...(config.linkProgressIntervalMs === undefined ? {} : { progressIntervalMs: config.linkProgressIntervalMs }),
  });
  devices.onConnectionEnded((mac, connectionId) => tunnels.connectionEnded(mac, connectionId));
  const shared: HubServices = {
    runtime,
    readModels,
    eventStore: store,
    clock,
    readYourWritesTimeoutMs: config.readYourWritesTimeoutMs ?? 5000,
    secretSeal,
    devices,
    tunnels,
    deviceLink,
  };

  const stopServices = async (): Promise<void> => {
    // Records the end of every live link and device connection while the store is still open.
    await tunnels.shutdown();
    await devices.shutdown();
    await runtime.stop();
    await readModels.stop();
    await store.close();
  };

  try {
    const admin = await ensureInstanceAdmin(runtime, config.adminPassword);
    await readModels.start();
    // Codes that expired while no hub ran get their expiry recorded now; the others are re-armed.
    await runtime.rearmDeadlines(provisioningAggregate);
    // Before the gateway accepts anyone: connections a crashed run of this node left open are closed by an event.
    await devices.start();
    await tunnels.start();

    // The request id is the correlationId of what the request appends: clients can quote it.
    app.addHook('onRequest', async (request, reply) => {
      void reply.header('x-request-id', request.id);
    });
    await app.register(errorHandling);
    await app.register(services, shared);
    await app.register(authentication, { secret: tokenSecret, tokenLifetime: config.tokenLifetime ?? '12h' });
    await app.register(healthRoutes);
    await app.register(
      async (api) => {
        await api.register(authRoutes, { throttle: config.loginThrottle ?? defaultLoginThrottleLimits });
        await api.register(async (secured) => {
          secured.addHook('onRequest', secured.authenticate);
          await secured.register(tenantRoutes);
          await secured.register(deviceRoutes);
          await secured.register(provisioningCodeRoutes);
          await secured.register(deviceAssignmentRoutes);
          await secured.register(tenantPasswordDeploymentRoutes);
          await secured.register(auditorRoutes);
          await secured.register(auditRoutes);
          await secured.register(deviceLinkRoutes);
          await secured.register(sessionRoutes);
        });
      },
      { prefix: '/api/v1' },
    );

    const dashboard = attachDashboard(app.server, {
      verifyToken: (token) => app.verifyToken(token),
      visibleTenants: (principal) => visibleTenants(shared, principal),
      readModels,
      changeLog,
      headPosition: () => store.headPosition(),
    });
    // Before the HTTP server closes, or its open WebSockets would hold it up.
    app.addHook('preClose', async () => dashboard.close());
    const gateway = attachGateway(app.server, { supervisor: devices, streams: tunnels, logger: app.log, ...config.gateway });
    // Links first: their ends are recorded as hub-shutdown, not as their devices going offline.
    app.addHook('preClose', async () => tunnels.shutdown());
    app.addHook('preClose', async () => gateway.close());
    await app.ready();

    let closing: Promise<void> | undefined;
    return {
      app,
      io: dashboard.io,
      store,
      runtime,
      readModels,
      devices,
      tunnels,
      ...(admin.created && admin.generatedPassword !== undefined ? { generatedAdminPassword: admin.generatedPassword } : {}),
      close: () =>
        (closing ??= (async () => {
          await app.close();
          await stopServices();
        })()),
    };
  } catch (error) {
    await app.close();
    await stopServices();
    throw error;
  }
}
