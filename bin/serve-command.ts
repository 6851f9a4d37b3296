// `tether serve`: the hub, until SIGTERM or SIGINT.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Fsync } from '../api/event-store-factory.js';
import { TetherError } from '../domain/errors.js';
import { assertClusterSettings } from './cluster-requirements.js';
import { dataOption, eventStoreOption, fsyncOption, logLevelOption, nodeIdOption, parsePort, parsePositiveCount } from './cli-options.js';
import { deviceLinkConfigOf } from './devicelink-options.js';
import { readConfigFile } from '../api/config-file.js';
import { listenBacklog } from '../api/listen-backlog.js';
import { pluginsOf } from '../api/plugin-config.js';
import type { DeviceLinkOptions } from './devicelink-options.js';
import { artifactsOption, backupConcurrencyOption, backupTimeoutOption, jobConfigOf, jobResumeGraceOption, updateConcurrencyOption, updateTimeoutOption } from './job-options.js';
import type { JobOptions } from './job-options.js';
import { deviceRegistrationsOption, gatewayConnectionsOption, gatewayHellosOption, limitsConfigOf, relayRegistrationsOption } from './limit-options.js';
import type { LimitOptions } from './limit-options.js';

interface ServeOptions extends DeviceLinkOptions, JobOptions, LimitOptions {
  readonly port: number;
  readonly data: string;
  readonly eventstore?: string;
  readonly fsync: Fsync;
  readonly nodeId?: string;
  readonly logLevel: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly relayJoinSecret?: string;
  /** False with --no-local-relay. */
  readonly localRelay: boolean;
  readonly relayHeartbeatTimeout: number;
  readonly leaseMs: number;
  readonly internalUrl?: string;
  readonly forwardTimeout: number;
}

function parseInternalUrl(value: string): string {
  if (!/^https?:\/\/[^\s/?#]+\/?$/.test(value)) throw new InvalidArgumentError('expected http(s)://host:port');
  return value.replace(/\/$/, '');
}

function readPem(file: string, option: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new TetherError('invalid_configuration', `${option}: cannot read ${file}: ${(error as Error).message}`, [option]);
  }
}

function tlsOf(options: ServeOptions): { cert: Buffer; key: Buffer } | undefined {
  if (options.tlsCert === undefined && options.tlsKey === undefined) return undefined;
  if (options.tlsCert === undefined || options.tlsKey === undefined) {
    throw new TetherError('invalid_configuration', '--tls-cert and --tls-key go together: give both, or neither for plain http', ['tls']);
  }
  return { cert: readPem(options.tlsCert, '--tls-cert'), key: readPem(options.tlsKey, '--tls-key') };
}

// Past this, a shutdown that hangs (a stuck request) gives up and exits non-zero.
const shutdownGraceMs = 15_000;

async function serve(options: ServeOptions): Promise<void> {
  assertClusterSettings({ eventstore: options.eventstore, nodeId: options.nodeId, env: process.env });
  const tls = tlsOf(options);
  const deviceLink = deviceLinkConfigOf(options, process.env);
  const plugins = options.config === undefined ? undefined : pluginsOf(readConfigFile(options.config));
  const jobs = jobConfigOf(options);
  const limits = limitsConfigOf(options);
  // Loaded here, not at the top: `tether agent` shares this binary and must start light.
  const { buildHub } = await import('../api/hub.js');
  const hub = await buildHub({
    dataDir: options.data,
    nodeId: options.nodeId ?? `node-${options.port}`,
    leaseMs: options.leaseMs,
    ...(options.internalUrl === undefined ? {} : { internalUrl: options.internalUrl }),
    forwardTimeoutMs: options.forwardTimeout,
    fsync: options.fsync,
    logLevel: options.logLevel,
    ...(options.eventstore ? { eventStoreUrl: options.eventstore } : {}),
    ...(process.env.TETHER_TOKEN_SECRET ? { tokenSecret: process.env.TETHER_TOKEN_SECRET } : {}),
    ...(process.env.TETHER_ADMIN_PASSWORD ? { adminPassword: process.env.TETHER_ADMIN_PASSWORD } : {}),
    ...(process.env.TETHER_SEAL_KEY ? { sealKey: process.env.TETHER_SEAL_KEY } : {}),
    ...(tls === undefined ? {} : { tls }),
    deviceLink,
    consoleDir: fileURLToPath(new URL('../console/', import.meta.url)),
    ...jobs,
    ...(plugins === undefined ? {} : { plugins }),
    gatewayLimits: limits.gatewayLimits,
    relays: {
      localRelay: options.localRelay,
      ...(limits.relayRegistrationsPerHourPerIp === undefined ? {} : { registrationsPerHourPerIp: limits.relayRegistrationsPerHourPerIp }),
      heartbeatTimeoutMs: options.relayHeartbeatTimeout,
      ...(options.relayJoinSecret === undefined ? {} : { joinSecret: options.relayJoinSecret }),
    },
  });
  const shutdown = (signal: NodeJS.Signals): void => {
    hub.app.log.info({ signal }, 'shutting down');
    setTimeout(() => {
      hub.app.log.error({ graceMs: shutdownGraceMs }, 'shutdown timed out');
      process.exit(1);
    }, shutdownGraceMs).unref();
    hub.close().then(
      () => process.exit(0),
      (error: unknown) => {
        hub.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);

  // The only time this password is ever shown, as it is stored as a hash alone: before
  // listening, so that a port already in use does not lose it.
  if (hub.generatedAdminPassword !== undefined) process.stdout.write(`admin password: ${hub.generatedAdminPassword}\n`);
  try {
    await hub.app.listen({ port: options.port, host: options.host, backlog: listenBacklog });
  } catch (error) {
    await hub.close();
    throw error;
  }
}

export const serveCommand = (): Command =>
  new Command('serve')
    .description('run the hub: REST API under /api/v1, socket.io dashboards, the device gateway at /gateway, /healthz, /readyz and the web console at / on one port')
    .addOption(new Option('--port <port>', 'TCP port to listen on').argParser(parsePort).default(8080))
    .addOption(new Option('--host <address>', 'address to listen on').default('127.0.0.1'))
    .addOption(dataOption())
    .addOption(eventStoreOption())
    .addOption(fsyncOption())
    .addOption(nodeIdOption('node-<port>'))
    .addOption(
      new Option('--lease-ms <ms>', "this node's lease on the shared store: renewed three times a period; a peer whose lease runs out has its devices, links and sessions ended (cause hub-lost)")
        .argParser(parsePositiveCount)
        .default(10_000),
    )
    .option('--internal-url <url>', 'where the other hub nodes can call this one, recorded in its lease (default: http(s)://<host>:<port> as it listens); an https peer is verified against the system CAs and NODE_EXTRA_CA_CERTS', parseInternalUrl)
    .addOption(
      new Option('--forward-timeout <ms>', 'how long a peer node holding a device or link may take to answer a request forwarded to it (a restore: its timeout beyond this) before the client gets 503 unavailable')
        .argParser(parsePositiveCount)
        .default(30_000),
    )
    .addOption(logLevelOption())
    .option('--tls-cert <file>', 'PEM certificate (chain): serve https and wss instead of http and ws; needs --tls-key')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option('--config <file>', 'JSON configuration file, e.g. {"deviceLink": {...}} (see below)')
    .option('--link-ports <from-to>', 'DeviceLink: the ports handed out to links (default: 40000-40999)')
    .option('--link-bind <address>', 'DeviceLink: the address link ports bind to (default: --host)')
    .option('--link-device-port <port>', 'DeviceLink: the device port of a request that names none (default: none, required)')
    .option('--link-timeout <ms>', 'DeviceLink: the UDP idle timeout of a request that names none (default: none, never)')
    .option('--link-lifetime <ms>', 'DeviceLink: the longest a TCP link lives; a request may ask shorter (default: none, until closed)')
    .option('--link-max-per-tenant <n>', 'DeviceLink: open links one tenant may hold on every node of the hub together (default: a quarter of --link-ports)')
    .addOption(new Option('--relay-join-secret <secret>', 'relays registering with this secret (tether relay --join-secret) are approved at once').env('TETHER_RELAY_JOIN_SECRET'))
    .option('--no-local-relay', 'carry no sessions on the hub itself: every session goes to a relay')
    .addOption(
      new Option('--relay-heartbeat-timeout <ms>', 'a relay that neither registers nor reports status for this long is marked not reporting')
        .argParser(parsePositiveCount)
        .default(60_000),
    )
    .addOption(artifactsOption())
    .addOption(updateConcurrencyOption())
    .addOption(updateTimeoutOption())
    .addOption(backupConcurrencyOption())
    .addOption(backupTimeoutOption())
    .addOption(jobResumeGraceOption())
    .addOption(gatewayConnectionsOption())
    .addOption(gatewayHellosOption())
    .addOption(deviceRegistrationsOption())
    .addOption(relayRegistrationsOption())
    .addHelpText(
      'after',
      `
Environment:
  TETHER_ADMIN_PASSWORD   the instance admin's password (8 to 1024 characters), used on first start only;
                          without it one is generated and printed once ("admin password: ...")
  TETHER_TOKEN_SECRET     key signing bearer tokens (32+ characters); without it one is
                          generated into <data>/token-secret and shared by hubs on that directory
  TETHER_SEAL_KEY         64 hex digits: the key sealing the tenant passwords the hub deploys
                          to devices, kept out of the event store; without it one is
                          generated into <data>/seal-key and shared by hubs on that directory
  TETHER_EVENTSTORE_URL   same as --eventstore
  NODE_EXTRA_CA_CERTS     a PEM file of CAs trusted besides the system's (Node reads it at start):
                          the private CA of a peer whose --internal-url is https
  TETHER_DEVICELINK_PORTS        same as --link-ports
  TETHER_DEVICELINK_BIND         same as --link-bind
  TETHER_DEVICELINK_DEVICE_PORT  same as --link-device-port
  TETHER_DEVICELINK_TIMEOUT      same as --link-timeout
  TETHER_DEVICELINK_LIFETIME     same as --link-lifetime
  TETHER_DEVICELINK_MAX_PER_TENANT  same as --link-max-per-tenant

DeviceLink settings: a flag wins over the environment, which wins over the config file:
  {"deviceLink": {"devicePort": 22, "timeout": 60000, "lifetime": 3600000, "ports": "40000-40999",
                  "bindAddress": "0.0.0.0", "maxLinksPerTenant": 100}}
Every field is optional ("ports" may also be {"from": 40000, "to": 40999}); a bad value stops the start.

Plugins (named local services proxy profiles may target), in the config file only:
  {"plugins": {"node-red": {"host": "127.0.0.1", "ports": [1880]}, "grafana": {"ports": [3000]}}}

Several hubs may share one --data directory on one machine: give each its own --port
(and --node-id, which defaults to node-<port>). With --eventstore, every hub needs an explicit
--node-id of its own and the same TETHER_TOKEN_SECRET and TETHER_SEAL_KEY as the others.
Each node renews a lease in the store (stream node-<id>); when one stops renewing (killed,
powered off), a live node ends what it held within two --lease-ms by events, cause hub-lost.
A node that shuts down cleanly ends its own connections (hub-shutdown) and its lease.`,
    )
    .action(serve);
