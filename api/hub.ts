// The composition root: concrete adapters wired into the ports, fastify and socket.io on
// one HTTP server. buildHub() returns a hub ready to listen; close() undoes it in order.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import Fastify from 'fastify';
import type { DestinationStream } from 'pino';
import type { FastifyInstance, FastifyServerFactory } from 'fastify';
import { ActorRuntime } from '../actors/runtime/actor-runtime.js';
import { StaleConnections } from '../actors/device/device-stale-connections.js';
import { DeviceSupervisor } from '../actors/device/device-supervisor.js';
import { defaultGatewayLimits, GatewayAdmission } from '../actors/gateway/gateway-admission.js';
import type { GatewayLimits } from '../actors/gateway/gateway-admission.js';
import { HubAddressBook } from '../actors/instance/hub-address-book.js';
import { CommandOwners } from '../actors/node/command-owners.js';
import { NodeLeases } from '../actors/node/node-leases.js';
import { RelayRevocations } from '../actors/relay/relay-revocations.js';
import { RelayService } from '../actors/relay/relay-service.js';
import { CategoryStreams, scanLog } from '../actors/runtime/log-scan.js';
import { StaleTunnels } from '../actors/tunnel/stale-tunnels.js';
import { SecretSeal } from '../actors/secrets/secret-seal.js';
import { systemClock } from '../actors/runtime/system-clock.js';
import { TunnelSupervisor } from '../actors/tunnel/tunnel-supervisor.js';
import { ForwardPlane } from '../actors/forward-session/forward-plane.js';
import type { PluginDirectory } from '../actors/proxy/plugin-directory.js';
import type { UpdateJobSupervisor } from '../actors/update-job/update-job-supervisor.js';
import type { BackupJobSupervisor } from '../actors/backup-job/backup-job-supervisor.js';
import type { Clock } from '../domain/ports/clock.js';
import type { EventStore } from '../domain/ports/event-store.js';
import { keptPosition } from '../domain/ports/event-store.js';
import { provisioningAggregate } from '../domain/provisioning/aggregate.js';
import { relayAggregate } from '../domain/relay/aggregate.js';
import { ChangeLog } from '../projections/change-log/index.js';
import { jobTotals } from '../projections/jobs/index.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { credentialsCurrent } from './credentials.js';
import { attachDashboard } from './dashboard.js';
import { defaultDeviceLinkConfig, linksPerTenantOf } from './devicelink-config.js';
import type { DeviceLinkConfig } from './devicelink-config.js';
import type { HubIo } from './dashboard.js';
import { openEventStore } from './event-store-factory.js';
import { resumingEventStore } from '../store/resuming-event-store.js';
import type { EventStoreConfig } from './event-store-factory.js';
import { answerFrameworkError, maxParamLength } from './framework-errors.js';
import { attachGateway } from './gateway/gateway-server.js';
import { ForwardingKey } from './forwarding-marker.js';
import { attachDeviceStreams } from './gateway/device-stream-server.js';
import { peerDeviceStreams } from './peer-device-streams.js';
import { listeningUrl } from './internal-url.js';
import type { GatewayTimings } from './gateway/gateway-server.js';
import { attachRelayChannels } from './gateway/relay-channel-server.js';
import { assertAdminPassword, ensureInstanceAdmin } from './instance-admin.js';
import { serveArtifacts } from './jobs/artifacts.js';
import { jobServices } from './jobs/job-services.js';
import type { JobsConfig } from './jobs/job-services.js';
import { loggerOptions } from './logger-options.js';
import { createHubMetrics, lagCountCap, observeHub } from './metrics/hub-metrics.js';
import type { HubMetrics } from './metrics/hub-metrics.js';
import { observePeers } from './metrics/peer-metrics.js';
import { timedEventStore } from './metrics/timed-event-store.js';
import { defaultLoginThrottleLimits } from './login-throttle.js';
import type { LoginThrottleLimits } from './login-throttle.js';
import { apiDocs } from './openapi/api-docs.js';
import { routeList } from './plugins/route-list.js';
import { serveWebConsole } from './web-console.js';
import { authentication } from './plugins/authentication.js';
import { errorHandling } from './plugins/error-handling.js';
import { ownerRouting } from './plugins/owner-routing.js';
import { services } from './plugins/services.js';
import type { HubServices } from './plugins/services.js';
import { provisioningCodeId } from './provisioning-code-secret.js';
import { readModelFile, readModelProjections } from './read-models.js';
import { adminRoutes } from './routes/admin.js';
import { auditRoutes } from './routes/audit.js';
import { auditorRoutes } from './routes/auditors.js';
import { userRoutes } from './routes/users.js';
import { authRoutes } from './routes/auth.js';
import { backupJobRoutes } from './routes/backup-jobs.js';
import { catalogRoutes } from './routes/catalog.js';
import { deviceAssignmentRoutes } from './routes/device-assignment.js';
import { deviceDetailsRoutes } from './routes/device-details.js';
import { deviceLinkRoutes } from './routes/devicelink.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { deviceRoutes } from './routes/devices.js';
import { provisioningCodeRoutes } from './routes/provisioning-codes.js';
import { relayStatusRoutes } from './routes/relay-status.js';
import { relayRoutes } from './routes/relays.js';
import { deviceProtocolAppRoutes } from './routes/device-protocol-apps.js';
import { hubAddressRoutes } from './routes/hub-address.js';
import { protocolAppRoutes } from './routes/protocol-apps.js';
import { proxyRoutes } from './routes/proxies.js';
import { routeStreams } from './stream-routing.js';
import { restoreRoutes } from './routes/restore.js';
import { sessionRoutes } from './routes/sessions.js';
import { tenantPasswordDeploymentRoutes } from './routes/tenant-password-deployment.js';
import { tenantRoutes } from './routes/tenants.js';
import { updateJobRoutes } from './routes/update-jobs.js';
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
  /** Where log lines go; default stdout. */
  readonly logStream?: DestinationStream;
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
  /** Per-address limits of the device gateway; each defaults as defaultGatewayLimits. */
  readonly gatewayLimits?: Partial<GatewayLimits>;
  /** About how many recent read-model changes this node keeps for dashboards to resume from; default 20 000. */
  readonly resumableChanges?: number;
  /** DeviceLink ports, bind address and request defaults; default: ports 40000-40999 on 127.0.0.1. */
  readonly deviceLink?: DeviceLinkConfig;
  /** How often an open link's byte totals are appended while they change; default 5000 ms. */
  readonly linkProgressIntervalMs?: number;
  /** Named local services proxies may target (the "plugins" section of --config). */
  readonly plugins?: PluginDirectory;
  /** Serve this directory (update binaries, catalog files) at /artifacts/ without authentication. */
  readonly artifactsDir?: string;
  /** Serve the built web console from this directory at `/` (skipped when it holds no index.html). */
  readonly consoleDir?: string;
  /** Update and backup job limits and timeouts. */
  readonly jobs?: JobsConfig;
  /** Relay servers: who may join, whether the hub carries sessions itself, heartbeats. */
  readonly relays?: RelayConfig;
  /** How long this node's lease lasts without a renewal (it renews three times a period); default 10 000 ms. */
  readonly leaseMs?: number;
  /** Where peers can call this node, recorded in its lease; default: the address it listens on. */
  readonly internalUrl?: string;
  /**
   * How long a peer holding a device or link may take to answer a request this node forwards to
   * it, beyond what the route waits on the device (a restore's timeout); default 30 000 ms.
   */
  readonly forwardTimeoutMs?: number;
  /** Tests only: a double around the opened store (e.g. one that drops subscriptions). */
  readonly storeDouble?: (store: EventStore) => EventStore;
}

export interface RelayConfig {
  /** A relay registering with this secret (`--join-secret`) is approved at once; without, an admin approves each. */
  readonly joinSecret?: string;
  /** False: the hub carries no sessions itself, every session goes to a relay. Default true. */
  readonly localRelay?: boolean;
  /** A relay that neither registers nor reports status for this long is marked not reporting; default 60 000 ms. */
  readonly heartbeatTimeoutMs?: number;
  /** How often the hub pings relay control channels (one unanswered ping drops the channel); default 15 000 ms. */
  readonly channelHeartbeatMs?: number;
  /** New relays awaiting approval one address may register per hour; default 10. */
  readonly registrationsPerHourPerIp?: number;
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
  /** This node's proxies and protocol-application connections. */
  readonly forwards: ForwardPlane;
  /** Relay servers. */
  readonly relays: RelayService;
  /** This node's update and backup jobs. */
  readonly updateJobs: UpdateJobSupervisor;
  readonly backupJobs: BackupJobSupervisor;
  /** This node's lease, and its peers'. */
  readonly leases: NodeLeases;
  /** What /metrics reports; add this node's own metrics to its registry. */
  readonly metrics: HubMetrics;
  /** Present only when this start created the instance admin with a generated password. */
  readonly generatedAdminPassword?: string;
  /**
   * Stops accepting, disconnects dashboards and devices (recording each device's hub-shutdown),
   * finishes requests, then stops runtime, projections and store.
   */
  close(): Promise<void>;
}

const bodyLimitBytes = 1024 * 1024;
const defaultLeaseMs = 10_000;
const defaultForwardTimeoutMs = 30_000;
const shutdownCatchUpMs = 2000;

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
    logger: loggerOptions(config.logLevel ?? 'info', config.logStream),
    bodyLimit: bodyLimitBytes,
    genReqId: () => randomUUID(),
    routerOptions: { maxParamLength },
    frameworkErrors: (error, request, reply) => answerFrameworkError(error, request.id, reply),
    ...(httpsFactory === undefined ? {} : { serverFactory: httpsFactory }),
  });
  const metrics = createHubMetrics();
  const opened = await openEventStore(config);
  const store = timedEventStore(
    resumingEventStore(config.storeDouble?.(opened) ?? opened, {
      onDrop: (error, attempt) => app.log.warn({ err: error, attempt }, 'a subscription to the event store dropped; resuming after the last event it delivered'),
    }),
    metrics.appendSeconds,
  );
  const runtime = new ActorRuntime({ store, clock, logger: app.log });
  const changeLog = new ChangeLog({ retain: config.resumableChanges });
  const readModels = new ProjectionRunner({
    store,
    file: readModelFile(config.dataDir, config.nodeId),
    projections: readModelProjections,
    logger: app.log,
    journal: changeLog,
  });
  const admission = new GatewayAdmission(runtime, clock, { ...defaultGatewayLimits, ...config.gatewayLimits });
  const devices = new DeviceSupervisor({ runtime, store, seal: secretSeal, nodeId: config.nodeId, provisioningCodeId, admission, logger: app.log });
  const deviceLink = config.deviceLink ?? defaultDeviceLinkConfig('127.0.0.1');
  const tunnels = new TunnelSupervisor({
    runtime,
    store,
    clock,
    devices,
    nodeId: config.nodeId,
    ports: deviceLink.ports,
    bindAddress: deviceLink.bindAddress,
    maxLinksPerTenant: linksPerTenantOf(deviceLink),
    logger: app.log,
    ...(config.linkProgressIntervalMs === undefined ? {} : { progressIntervalMs: config.linkProgressIntervalMs }),
    ...(config.relays?.localRelay === false ? { localRelay: false } : {}),
  });
  const relays = new RelayService({
    runtime,
    links: tunnels,
    logger: app.log,
    heartbeatTimeoutMs: config.relays?.heartbeatTimeoutMs ?? 60_000,
    ...(config.relays?.registrationsPerHourPerIp === undefined ? {} : { registrationsPerHourPerIp: config.relays.registrationsPerHourPerIp }),
    ...(config.relays?.joinSecret === undefined ? {} : { joinSecret: config.relays.joinSecret }),
  });
  const relayRevocations = new RelayRevocations({ store, relays: tunnels, logger: app.log });
  devices.onConnectionEnded((mac, connectionId) => tunnels.connectionEnded(mac, connectionId));
  const owners = new CommandOwners({ runtime, clock, nodeId: config.nodeId });
  const forwardingKey = new ForwardingKey(tokenSecret, config.nodeId);
  const forwards = new ForwardPlane({
    runtime,
    store,
    clock,
    devices,
    nodeId: config.nodeId,
    logger: app.log,
    plugins: config.plugins ?? new Map(),
    bindAddress: deviceLink.bindAddress,
    ports: deviceLink.ports,
    peers: { owners, streams: peerDeviceStreams(forwardingKey, clock) },
    ...(config.linkProgressIntervalMs === undefined ? {} : { progressIntervalMs: config.linkProgressIntervalMs }),
  });
  devices.onConnectionEnded((mac, connectionId) => forwards.connectionEnded(mac, connectionId));
  const hubAddress = new HubAddressBook({ runtime, store, devices, logger: app.log });
  const leases = new NodeLeases({ runtime, store, clock, nodeId: config.nodeId, leaseMs: config.leaseMs ?? defaultLeaseMs, logger: app.log });
  observePeers(metrics.registry, () => leases.livePeerCount);
  observeHub(metrics.registry, {
    connectedDevices: () => devices.onlineCount,
    openSessions: () => tunnels.liveCount,
    relayedBytes: () => tunnels.relayedBytes(),
    eventsBehind: async () => (await store.readAll({ after: keptPosition(readModels.position()), maxCount: lagCountCap })).length,
    jobTotals: () => readModels.readIfOpen((db) => jobTotals(db)),
    gatewayRefusals: (limit) => admission.refused(limit),
  });
  const jobs = jobServices({ runtime, store, clock, devices, seal: secretSeal, logger: app.log, nodeId: config.nodeId, leaseMs: config.leaseMs ?? defaultLeaseMs, ...(config.jobs === undefined ? {} : { config: config.jobs }) });
  const shared: HubServices = {
    runtime,
    readModels,
    eventStore: store,
    clock,
    readYourWritesTimeoutMs: config.readYourWritesTimeoutMs ?? 5000,
    secretSeal,
    devices,
    tunnels,
    forwards,
    relays,
    deviceLink,
    metrics,
    updateJobs: jobs.updateJobs,
    backupJobs: jobs.backupJobs,
    restores: jobs.restores,
  };

  const stopServices = async (): Promise<void> => {
    // Records the end of every live link and device connection while the store is still open.
    await tunnels.shutdown();
    await forwards.shutdown();
    await devices.shutdown();
    // Gives the scheduler leases back (events) before the node's lease ends, the shutdown's last event.
    await jobs.stop();
    // After what it held is recorded ended: a node that dies before this is swept by a peer.
    const leaseEnded = await leases.end();
    // The read models take in the lease's end (the shutdown's last event), so they stay equal to a rebuild.
    if (leaseEnded !== undefined) await readModels.waitFor(leaseEnded, shutdownCatchUpMs).catch(() => undefined);
    await hubAddress.close();
    await relayRevocations.close();
    await runtime.stop();
    await readModels.stop();
    await store.close();
  };

  try {
    const admin = await ensureInstanceAdmin(runtime, config.adminPassword);
    await readModels.start();
    // Codes that expired while no hub ran get their expiry recorded now; the others are re-armed.
    // One pass over the log finds what start-up must act on: deadlines, and what a crashed run left open.
    const deadlineStreams = new CategoryStreams([provisioningAggregate.category, relayAggregate.category]);
    const staleConnections = new StaleConnections(config.nodeId);
    const staleTunnels = new StaleTunnels(config.nodeId);
    const jobStreams = new CategoryStreams(jobs.categories);
    const forwardStartup = forwards.startupReader();
    const scannedTo = await scanLog(store, [deadlineStreams, staleConnections, staleTunnels, jobStreams, forwardStartup, leases, jobs.startupReader]);
    await runtime.rearmDeadlines(provisioningAggregate, deadlineStreams.of(provisioningAggregate.category));
    // Relays that stopped reporting while no hub ran are marked so now.
    await runtime.rearmDeadlines(relayAggregate, deadlineStreams.of(relayAggregate.category));
    // Before the gateway accepts anyone: connections a crashed run of this node left open are closed by an event.
    await hubAddress.start();
    // Before any relay's channel is authenticated: a reset or deletion stored later reaches it.
    relayRevocations.start();
    await devices.start(staleConnections);
    await tunnels.start(staleTunnels);
    await forwards.start(forwardStartup);
    await jobs.start((category) => jobStreams.of(category), scannedTo);
    await leases.start();
    // The lease names the address peers call, known once the node listens.
    app.addHook('onListen', async () => leases.hold(config.internalUrl ?? listeningUrl(app.server.address(), tls !== undefined)));

    // The request id is the correlationId of what the request appends: clients can quote it.
    app.addHook('onRequest', async (request, reply) => {
      void reply.header('x-request-id', request.id);
    });
    await app.register(errorHandling);
    // Before the routes: the route list and the OpenAPI document collect them as they are added.
    await app.register(routeList);
    await app.register(apiDocs);
    await app.register(services, shared);
    await app.register(authentication, { secret: tokenSecret, tokenLifetime: config.tokenLifetime ?? '12h' });
    await app.register(ownerRouting, { owners, key: forwardingKey, clock, timeoutMs: config.forwardTimeoutMs ?? defaultForwardTimeoutMs });
    await app.register(healthRoutes);
    if (config.artifactsDir !== undefined) await serveArtifacts(app, config.artifactsDir);
    await app.register(metricsRoutes);
    if (config.consoleDir !== undefined && !(await serveWebConsole(app, config.consoleDir))) {
      app.log.warn({ dir: config.consoleDir }, 'web console not built: run npm run build');
    }
    await app.register(relayStatusRoutes);
    await app.register(
      async (api) => {
        await api.register(authRoutes, { throttle: config.loginThrottle ?? defaultLoginThrottleLimits });
        await api.register(async (secured) => {
          secured.addHook('onRequest', secured.authenticate);
          await secured.register(adminRoutes);
          await secured.register(tenantRoutes);
          await secured.register(deviceRoutes);
          await secured.register(provisioningCodeRoutes);
          await secured.register(deviceAssignmentRoutes);
          await secured.register(deviceDetailsRoutes);
          await secured.register(tenantPasswordDeploymentRoutes);
          await secured.register(auditorRoutes);
          await secured.register(userRoutes);
          await secured.register(auditRoutes);
          await secured.register(deviceLinkRoutes);
          await secured.register(sessionRoutes);
          await secured.register(catalogRoutes);
          await secured.register(updateJobRoutes);
          await secured.register(backupJobRoutes);
          await secured.register(restoreRoutes);
          await secured.register(relayRoutes);
          await secured.register(proxyRoutes);
          await secured.register(protocolAppRoutes);
          await secured.register(deviceProtocolAppRoutes);
          await secured.register(hubAddressRoutes);
        });
      },
      { prefix: '/api/v1' },
    );

    const dashboard = attachDashboard(app.server, {
      verifyToken: (token) => app.verifyToken(token),
      credentialsCurrent: (credentials) => credentialsCurrent(runtime, credentials),
      visibleTenants: (principal) => visibleTenants(shared, principal),
      readModels,
      changeLog,
      headPosition: () => store.headPosition(),
    });
    // Before the HTTP server closes, or its open WebSockets would hold it up.
    app.addHook('preClose', async () => dashboard.close());
    const gateway = attachGateway(app.server, { supervisor: devices, admission, streams: routeStreams(tunnels, forwards), jobs: jobs.results, reverse: forwards, logger: app.log, ...config.gateway });
    const relayChannels = attachRelayChannels(app.server, {
      relays,
      tunnels,
      logger: app.log,
      ...(config.relays?.channelHeartbeatMs === undefined ? {} : { heartbeatMs: config.relays.channelHeartbeatMs }),
    });
    const deviceStreams = attachDeviceStreams(app.server, { dialer: forwards.dialer, key: forwardingKey, clock, logger: app.log });
    // Links first: their ends are recorded as hub-shutdown, not as their devices going offline.
    app.addHook('preClose', async () => tunnels.shutdown());
    app.addHook('preClose', async () => forwards.shutdown());
    app.addHook('preClose', async () => deviceStreams.close());
    // After the links: a relay answers the close of each link with its final totals.
    app.addHook('preClose', async () => relayChannels.close());
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
      forwards,
      relays,
      updateJobs: jobs.updateJobs,
      backupJobs: jobs.backupJobs,
      leases,
      metrics,
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
