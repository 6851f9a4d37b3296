// A UDP proxy: one socket on the source port; each client (address and port) that sends is a
// flow and a session, with its own socket to the target, until it idles out (the profile's
// timeout, 60 s unless set).
import { randomUUID } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { RemoteInfo } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import type { Mac } from '../../domain/device/mac.js';
import { systemPrincipal } from '../../domain/principal.js';
import type { ProxySettings } from '../../domain/proxy/proxy-settings.js';
import { defaultUdpFlowTimeoutMs } from '../../domain/proxy/proxy-settings.js';
import { canonicalHost } from '../../domain/tunnel/address.js';
import type { TerminationCause } from '../../domain/tunnel/termination-cause.js';
import { LiveForwardSession } from '../forward-session/forward-session.js';
import type { HostSessions, ProxyHost, ProxyHostEnv } from './proxy-host.js';
import { proxySessionFields, targetAddressOf } from './proxy-targets.js';
import { closeUdp } from '../../data-plane/source-port.js';
import { UdpPort } from '../../data-plane/bound-port.js';
import { UdpFlow } from '../forward-session/udp-flow.js';
import type { UdpBackend } from '../forward-session/udp-flow.js';

/** Flows at once per proxy: past this, datagrams from new clients are dropped, as UDP may. */
export const maxUdpFlows = 1024;

/** A socket connected to the target: datagrams go there, its answers come back to the flow. */
async function hostBackend(target: { readonly host: string; readonly port: number }, flow: UdpFlow): Promise<UdpBackend> {
  const { address, family } = await lookup(target.host);
  const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.connect(target.port, address, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  socket.on('message', (payload) => flow.fromTarget(payload));
  socket.on('error', () => flow.end('error'));
  return {
    send: (payload) => socket.send(payload),
    close: () => void closeUdp(socket),
  };
}

export class UdpProxyHost implements ProxyHost {
  readonly transport = 'udp';
  private bound: UdpPort | undefined;
  private retired = false;
  private readonly flows = new Map<string, UdpFlow>();

  constructor(
    private readonly proxyId: string,
    private settings: ProxySettings,
    private readonly sessions: HostSessions,
    private readonly env: ProxyHostEnv,
  ) {}

  get port(): number {
    return this.settings.sourcePort;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  async bind(bindAddress: string): Promise<void> {
    this.bound = await UdpPort.bind(this.settings.sourcePort, bindAddress, (error) =>
      this.env.logger.warn({ err: error, proxyId: this.proxyId }, 'UDP proxy socket error'),
    );
  }

  start(): void {
    this.bound?.start((payload, peer) => this.fromClient(payload, peer));
  }

  reconfigure(settings: ProxySettings): void {
    this.settings = settings;
  }

  // The socket carries the live flows' answers too: it closes once they have ended.
  async retire(): Promise<void> {
    this.retired = true;
    await Promise.all([...this.flows.values()].map((flow) => flow.ended));
    await this.bound?.close();
  }

  async close(cause: TerminationCause): Promise<void> {
    this.retired = true;
    await this.sessions.endAll(cause);
    for (const flow of this.flows.values()) flow.end(cause);
    await this.bound?.close();
  }

  deviceOffline(mac: Mac): void {
    this.sessions.deviceOffline(mac);
  }

  private fromClient(payload: Buffer, from: RemoteInfo): void {
    const peer = { host: canonicalHost(from.address), port: from.port };
    const key = `${peer.host} ${peer.port}`;
    const flow = this.flows.get(key);
    if (flow !== undefined) {
      flow.fromClient(payload);
      return;
    }
    if (this.retired || this.bound === undefined || this.flows.size >= maxUdpFlows) return;
    const fresh = new UdpFlow(this.bound.socket, peer, this.env.clock, this.settings.timeout ?? defaultUdpFlowTimeoutMs);
    this.flows.set(key, fresh);
    void fresh.ended.then(() => this.flows.delete(key));
    fresh.fromClient(payload);
    this.open(fresh).catch((error: unknown) => {
      fresh.end('error');
      this.env.logger.error({ err: error, proxyId: this.proxyId }, 'a UDP proxy flow failed');
    });
  }

  private async open(flow: UdpFlow): Promise<void> {
    const settings = this.settings;
    const sessionId = randomUUID();
    const streamId = randomUUID();
    const client = { streamId, clientHost: flow.peer.host, clientPort: flow.peer.port };
    const fields = proxySessionFields(this.proxyId, settings, this.env.plugins, { sessionId, nodeId: this.env.nodeId, client });
    const { session } = await LiveForwardSession.open(this.env.forward, fields, { principal: systemPrincipal, ip: flow.peer.host, correlationId: sessionId }, () =>
      flow.end('error'),
    );
    this.sessions.add(session, undefined);
    void flow.ended.then((cause) => this.sessions.end(session, cause));
    try {
      flow.attach(await hostBackend(targetAddressOf(settings, this.env.plugins), flow));
    } catch (error) {
      this.env.logger.info({ err: error, proxyId: this.proxyId, sessionId }, 'a UDP proxy flow could not reach its target');
      flow.end('target-refused');
      return;
    }
    session.connected(streamId, flow.meter());
  }
}
