// A relay server: it registers with the hub (POST /remote/rsstatus, the seed's messages),
// keeps a control channel open to each hub node it is given, holds the ports and sockets of the
// links the nodes place on it, takes the agents' dial-backs, and reports its status while it
// runs. Its registration and status go to any node that answers (the store is the cluster's);
// each node places links only through its own channel, so a node lost ends only its links.
// Shutting down does not unregister it (as the seed's GAS does not): the hub notices it stops
// reporting.
import { EventEmitter } from 'node:events';
import type { TunnelLogger } from '../data-plane/live-tunnel.js';
import type { PortRange } from '../data-plane/port-pool.js';
import { TetherError } from '../domain/errors.js';
import type { Clock } from '../domain/ports/clock.js';
import { listenForDialBacks } from './dial-back-server.js';
import { HubChannel } from './hub-channel.js';
import { AnyHubNode } from './hub-requests.js';
import type { RsStatusAnswer } from './hub-requests.js';
import { RelayLinks } from './relay-links.js';

export interface RelayOptions {
  /** The hub's nodes, http(s)://host[:port]: a control channel to each. */
  readonly hubs: readonly string[];
  readonly ca?: string | Buffer;
  readonly name: string;
  readonly token: string;
  /** hostName: where agents dial back to (with `port`). */
  readonly host: string;
  /** externalHostName: where clients reach the link ports; default `host`. */
  readonly externalHost?: string;
  /** alternateHostName: another host clients may use. */
  readonly altHost?: string;
  /** Where agents dial back; 0: any free port (the one bound is registered). */
  readonly port: number;
  /** The address the dial-back port and the link ports bind to. */
  readonly bindAddress: string;
  readonly linkPorts: PortRange;
  readonly maxSessions: number;
  readonly description?: string;
  readonly joinSecret?: string;
  /** How often the status ("ping") is sent; default 10 000 ms. */
  readonly statusIntervalMs?: number;
  readonly clock: Clock;
  readonly logger: TunnelLogger;
  /** Each control channel's reconnect delays; default 500 ms doubling up to 15 s. */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
}

export interface RelayEvents {
  /** The hub answered a registration. */
  registered: [answer: RsStatusAnswer];
  /** The control channel to node `hub` opened. */
  'channel-open': [hub: string];
  /** The control channel to node `hub` closed: the links it placed ended. */
  'channel-closed': [hub: string];
  status: [answer: RsStatusAnswer];
}

export interface RelayHandle {
  /** The port agents dial back to. */
  readonly port: number;
  readonly events: EventEmitter<RelayEvents>;
  readonly links: RelayLinks;
  /** Ends its links, closes the channel and the dial-back port; does not unregister. */
  stop(): Promise<void>;
}

/** A registration the hub refused: the relay cannot run (another token holds the name, a bad field). */
export class RelayRefused extends TetherError {
  constructor(readonly answer: RsStatusAnswer) {
    super('relay_refused', `the hub refused the registration: ${answer.reason}${answer.message === undefined ? '' : ` (${answer.message})`}`, [answer.reason]);
  }
}

/** The seed's `unregister`: the hub marks the relay not reporting. */
export function unregisterRelay(options: Pick<RelayOptions, 'hubs' | 'ca' | 'name' | 'token' | 'host'>): Promise<RsStatusAnswer> {
  return new AnyHubNode(options.hubs, options.ca).post({ type: 'unregister', name: options.name, hostName: options.host, token: options.token });
}

export async function startRelay(options: RelayOptions): Promise<RelayHandle> {
  const events = new EventEmitter<RelayEvents>();
  const { logger } = options;
  const anyNode = new AnyHubNode(options.hubs, options.ca);
  const links = new RelayLinks({
    ports: options.linkPorts,
    bindAddress: options.bindAddress,
    maxSessions: options.maxSessions,
    clock: options.clock,
    logger,
  });
  const server = await listenForDialBacks(options.bindAddress, options.port, links);
  const fields = {
    name: options.name,
    description: options.description ?? '',
    hostName: options.host,
    ...(options.externalHost === undefined ? {} : { externalHostName: options.externalHost }),
    ...(options.altHost === undefined ? {} : { alternateHostName: options.altHost }),
    port: server.port,
    maxSessions: options.maxSessions,
    token: options.token,
  };

  const register = async (): Promise<void> => {
    const answer = await anyNode.post({ type: 'register', ...fields, ...(options.joinSecret === undefined ? {} : { joinSecret: options.joinSecret }) });
    events.emit('registered', answer);
    if (answer.result === 'FAILURE') throw new RelayRefused(answer);
    logger.info({ reason: answer.reason }, answer.reason === 'pending-approval' ? 'registered; an admin must approve this relay before it carries sessions' : 'registered');
  };
  // Every node refuses a deleted relay's channel at once: one registration serves them all.
  let registering: Promise<void> | undefined;
  const registerAgain = (): Promise<void> =>
    (registering ??= register().finally(() => {
      registering = undefined;
    }));

  let statusTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  let lastRefusal: string | undefined;
  const reportStatus = async (): Promise<void> => {
    const { currentNumberOfSessions, sessions } = links.takeStatus();
    const answer = await anyNode.post({ type: 'status', ...fields, currentNumberOfSessions, sessions });
    events.emit('status', answer);
    const refusal = answer.result === 'SUCCESS' ? undefined : answer.reason;
    // Said once: a relay awaiting approval would otherwise say so at every status.
    if (refusal !== lastRefusal && refusal !== undefined) logger.warn({ reason: answer.reason, message: answer.message }, 'the hub refused a status');
    lastRefusal = refusal;
    if (refusal === undefined) return;
    // Deleted by an admin, or not known to this hub (a new store): register again.
    if (answer.reason === 'relay-unknown') await registerAgain();
  };
  const scheduleStatus = (): void => {
    if (stopped) return;
    statusTimer = setTimeout(() => {
      reportStatus()
        .catch((error: unknown) => logger.warn({ err: error }, 'could not report the status'))
        .finally(scheduleStatus);
    }, options.statusIntervalMs ?? 10_000);
  };

  try {
    await register();
  } catch (error) {
    await server.close();
    throw error;
  }
  const channels = options.hubs.map((hub) => {
    const channel: HubChannel = new HubChannel({
      hub,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      name: options.name,
      token: options.token,
      logger,
      ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
      onOpen: () => events.emit('channel-open', hub),
      onMessage: (message) => links.receive(message, channel),
      onClose: () => {
        links.channelLost(channel);
        events.emit('channel-closed', hub);
      },
      onRefused: registerAgain,
    });
    return channel;
  });
  channels.forEach((channel) => channel.start());
  scheduleStatus();
  logger.info({ name: options.name, dialBackPort: server.port, linkPorts: options.linkPorts, maxSessions: options.maxSessions }, 'relay running');

  let stopping: Promise<void> | undefined;
  return {
    port: server.port,
    events,
    links,
    stop: () =>
      (stopping ??= (async () => {
        stopped = true;
        clearTimeout(statusTimer);
        // The process holding the sockets goes: for the sessions that is the relay lost.
        await links.closeAll('relay-lost');
        await Promise.all(channels.map((channel) => channel.stop()));
        await server.close();
      })()),
  };
}
