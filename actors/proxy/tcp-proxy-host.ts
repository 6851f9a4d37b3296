// A proxy on a TCP source port. Each client connection is a session: for tcp and
// tcp-over-device it is spliced to its own connection to the target (TLS as the profile
// says); for http-over-device it is served as HTTP in front of the device's web server.
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Mac } from '../../domain/device/mac.js';
import { isTetherError } from '../../domain/errors.js';
import { systemPrincipal } from '../../domain/principal.js';
import type { ProxySettings } from '../../domain/proxy/proxy-settings.js';
import { isDeviceTarget } from '../../domain/proxy/proxy-settings.js';
import { canonicalHost } from '../../domain/tunnel/address.js';
import type { TerminationCause } from '../../domain/tunnel/termination-cause.js';
import { resetSocket, splice } from '../../wire/socket-splice.js';
import { LiveForwardSession } from '../forward-session/forward-session.js';
import { HttpForward } from '../../data-plane/http-forward.js';
import type { HttpForwardSettings } from '../../data-plane/http-forward.js';
import type { HostSessions, ProxyHost, ProxyHostEnv } from './proxy-host.js';
import { deviceOf, proxySessionFields, reachProxyTarget } from './proxy-targets.js';
import { causeOfSplice, clientMeter, spliceMeter } from '../forward-session/splice-meter.js';
import { TcpPort } from '../../data-plane/bound-port.js';
import { tlsOver } from '../../data-plane/target-connect.js';
import { logPeerTrouble, peerTroubleOf } from '../../data-plane/peer-trouble.js';

// How long a stream the device reset waits to learn whether the device itself went away.
const deviceVerdictMs = 1000;

/** How an HTTP proxy reaches the device's web server for one browser connection. */
function httpSettingsOf(settings: ProxySettings, env: ProxyHostEnv): HttpForwardSettings | undefined {
  const { target } = settings;
  if (!isDeviceTarget(target)) return undefined;
  const address = { host: target.address, port: target.port };
  return {
    target: { ...address, secure: target.tls !== undefined },
    ...(target.frameAncestors === undefined ? {} : { frameAncestors: target.frameAncestors }),
    connect: async (browser) => {
      const dialed = await env.dialer.dialTcp(target.device, address, { tenantId: target.tenant, ...browser });
      const socket = target.tls === undefined ? dialed.socket : await tlsOver(dialed.socket, { ...address, tls: target.tls });
      return { socket, agentIP: dialed.agentIP };
    },
  };
}

export class TcpProxyHost implements ProxyHost {
  readonly transport = 'tcp';
  private bound: TcpPort | undefined;
  private http: HttpForward | undefined;

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

  /** Binds the source port; port_in_use when another program holds it. */
  async bind(bindAddress: string): Promise<void> {
    this.bound = await TcpPort.listen(this.settings.sourcePort, bindAddress);
  }

  start(): void {
    this.bound?.start((client) => this.accept(client));
  }

  reconfigure(settings: ProxySettings): void {
    this.settings = settings;
    const http = httpSettingsOf(settings, this.env);
    if (http !== undefined) this.http?.reconfigure(http);
  }

  async retire(): Promise<void> {
    await this.bound?.close();
  }

  async close(cause: TerminationCause): Promise<void> {
    const closed = this.retire();
    await this.sessions.endAll(cause);
    await closed;
  }

  deviceOffline(mac: Mac): void {
    this.sessions.deviceOffline(mac);
  }

  private accept(client: Socket): void {
    this.serve(client).catch((error: unknown) => {
      resetSocket(client);
      this.env.logger.error({ err: error, proxyId: this.proxyId }, 'a proxy connection failed');
    });
  }

  private async serve(client: Socket): Promise<void> {
    const settings = this.settings;
    const clientHost = canonicalHost(client.remoteAddress ?? '');
    const clientPort = client.remotePort ?? 0;
    if (clientPort === 0) {
      resetSocket(client);
      return;
    }
    const sessionId = randomUUID();
    const streamId = randomUUID();
    const fields = proxySessionFields(this.proxyId, settings, this.env.plugins, { sessionId, nodeId: this.env.nodeId, client: { streamId, clientHost, clientPort } });
    const { session } = await LiveForwardSession.open(this.env.forward, fields, { principal: systemPrincipal, ip: clientHost, correlationId: sessionId }, () =>
      resetSocket(client),
    );
    this.sessions.add(session, deviceOf(settings));
    if (settings.protocol === 'http-over-device') {
      this.serveHttp(client, settings, session, streamId);
      return;
    }
    const gone = new AbortController();
    client.once('close', () => gone.abort());
    let reached;
    try {
      reached = await reachProxyTarget(settings, this.env.plugins, this.env.dialer, { signal: gone.signal, clientIp: clientHost });
    } catch (error) {
      resetSocket(client);
      const cause: TerminationCause = isTetherError(error, 'device_offline') ? 'device-offline' : client.destroyed && gone.signal.aborted ? 'client-closed' : 'target-refused';
      const trouble = peerTroubleOf(error);
      if (trouble === undefined) this.env.logger.info({ proxyId: this.proxyId, sessionId, err: error }, 'a proxy connection could not reach its target');
      else logPeerTrouble(this.env.logger, trouble, { proxyId: this.proxyId, sessionId, err: error });
      await this.sessions.end(session, cause);
      return;
    }
    if (session.closing !== undefined || client.destroyed) {
      resetSocket(reached.socket);
      resetSocket(client);
      await this.sessions.end(session, session.closing ?? 'client-closed');
      return;
    }
    const spliced = splice({ socket: client }, reached.secure ? { socket: reached.socket, input: reached.socket } : { socket: reached.socket });
    session.connected(streamId, spliceMeter(spliced), reached.agentIP);
    const result = await spliced.ended;
    const cause = causeOfSplice(result, { a: 'client-closed', b: 'device-closed' });
    if (result.reset) reached.tellClosed?.(cause);
    const device = deviceOf(settings);
    // A device that went away resets its streams too: its connection's end, if it comes, names the cause.
    if (cause === 'device-closed' && result.reset && device !== undefined && (await this.env.dialer.whenOffline(device, deviceVerdictMs))) {
      await this.sessions.end(session, 'device-offline');
      return;
    }
    await this.sessions.end(session, cause);
  }

  private serveHttp(client: Socket, settings: ProxySettings, session: LiveForwardSession, streamId: string): void {
    const http = httpSettingsOf(settings, this.env);
    if (http === undefined) {
      resetSocket(client);
      void this.sessions.end(session, 'error');
      return;
    }
    this.http ??= new HttpForward(http, this.env.logger);
    const browser = this.http.serve(client);
    session.connected(streamId, clientMeter(client));
    client.once('close', () => {
      void this.sessions.end(session, browser.failed && !browser.reached ? 'target-refused' : 'client-closed');
    });
  }
}
