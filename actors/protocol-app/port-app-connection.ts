// A tcp, udp or http protocol application connected on a device: a port on the hub (from the
// DeviceLink range) leading to the application's port on the device, as a DeviceLink does. As
// a DeviceLink without `source`, the first client pins it (its host for TCP and HTTP, its host
// and port for UDP); others are turned away. Each client connection (or UDP flow) is a stream
// of the one session.
import { randomUUID } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket as UdpSocket } from 'node:dgram';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { isTetherError } from '../../domain/errors.js';
import type { ClientPin } from '../../domain/tunnel/admission.js';
import { admits, pinToClient } from '../../domain/tunnel/admission.js';
import { canonicalHost, isIPv6 } from '../../domain/tunnel/address.js';
import type { TerminationCause } from '../../domain/tunnel/termination-cause.js';
import type { AppTemplate, HttpApp, TcpApp, UdpApp } from '../../domain/protocol-app/app-template.js';
import { resetSocket, splice } from '../../wire/socket-splice.js';
import type { AppConnection, AppConnectionEnv, ConnectRequest } from './app-connection.js';
import type { CommandContext } from '../../domain/command-context.js';
import { LiveForwardSession, noTraffic } from '../forward-session/forward-session.js';
import { HttpForward } from '../../data-plane/http-forward.js';
import { closeServer, closeUdp } from '../../data-plane/source-port.js';
import { causeOfSplice, spliceMeter } from '../forward-session/splice-meter.js';
import { tlsOver } from '../../data-plane/target-connect.js';
import { clientMeter } from '../proxy/tcp-proxy-host.js';
import { UdpFlow } from '../forward-session/udp-flow.js';

type PortTemplate = TcpApp | UdpApp | HttpApp;

export const isPortTemplate = (template: AppTemplate): template is PortTemplate => template.type !== 'dtt-reverse';

const defaultFlowTimeoutMs = 60_000;
// A UDP port takes bursts: the default receive buffer (about 208 KiB) drops them.
const udpBufferBytes = 4 * 1024 * 1024;

export class PortAppConnection implements AppConnection {
  readonly type: PortTemplate['type'];
  private pin: ClientPin | undefined;
  private flow: { readonly flow: UdpFlow; readonly streamId: string } | undefined;
  private http: HttpForward | undefined;
  private ending: Promise<{ readonly position?: number }> | undefined;
  private readonly endListeners: (() => void)[] = [];

  private constructor(
    private readonly request: ConnectRequest & { readonly template: PortTemplate },
    private readonly env: AppConnectionEnv,
    private readonly listener: { readonly server: Server } | { readonly socket: UdpSocket },
    readonly port: number,
    private readonly session: LiveForwardSession,
    readonly position: number | undefined,
  ) {
    this.type = request.template.type;
  }

  get appId(): string {
    return this.request.appId;
  }

  get device(): ConnectRequest['device'] {
    return this.request.device;
  }

  get sessionIds(): readonly string[] {
    return [this.session.sessionId];
  }

  /** Binds a port of the pool, records the session, then serves. */
  static async open(request: ConnectRequest & { readonly template: PortTemplate }, env: AppConnectionEnv): Promise<PortAppConnection> {
    const { template } = request;
    let accept: (client: Socket) => void = (client) => resetSocket(client);
    let receive: (payload: Buffer, peer: RemoteInfo) => void = () => undefined;
    let listener: { readonly server: Server } | { readonly socket: UdpSocket };
    let port: number;
    if (template.type === 'udp') {
      const type = isIPv6(env.pool.host) ? 'udp6' : 'udp4';
      const bound = await env.pool.bind(() => createSocket({ type, recvBufferSize: udpBufferBytes, sendBufferSize: udpBufferBytes }));
      bound.socket.on('message', (payload, peer) => receive(payload, peer));
      bound.socket.on('error', (error) => env.logger.warn({ err: error, appId: request.appId }, 'protocol application UDP socket error'));
      listener = { socket: bound.socket };
      port = bound.port;
    } else {
      const server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => accept(client));
      port = await env.pool.listen(server);
      listener = { server };
    }
    const sessionId = randomUUID();
    let opened: Awaited<ReturnType<typeof LiveForwardSession.open>>;
    try {
      opened = await LiveForwardSession.open(
        env.forward,
        {
          sessionId,
          kind: 'protocol-app',
          sourceId: request.appId,
          mode: template.type,
          transport: template.type === 'udp' ? 'udp' : 'tcp',
          target: { host: '127.0.0.1', port: template.devicePort },
          relay: 'hub',
          node: env.nodeId,
          tenantId: request.tenantId,
          device: request.device,
          port,
          devicePort: template.devicePort,
          tls: template.type === 'http' && template.tls !== undefined,
          ...(request.context.ip === undefined ? {} : { userIP: request.context.ip }),
        },
        request.context,
      );
    } catch (error) {
      if ('server' in listener) await closeServer(listener.server);
      else await closeUdp(listener.socket);
      throw error;
    }
    const connection = new PortAppConnection(request, env, listener, port, opened.session, opened.position);
    accept = (client) => connection.accept(client);
    receive = (payload, peer) => connection.receive(payload, peer);
    return connection;
  }

  reverseMessage(): void {
    // A port connection has no listeners on the device.
  }

  onEnded(listener: () => void): void {
    this.endListeners.push(listener);
  }

  close(cause: TerminationCause, context?: CommandContext): Promise<{ readonly position?: number }> {
    this.ending ??= (async () => {
      try {
        if ('server' in this.listener) {
          const closed = closeServer(this.listener.server);
          const ended = await this.session.close(cause, context);
          await closed;
          return ended;
        }
        this.flow?.flow.end(cause);
        const ended = await this.session.close(cause, context);
        await closeUdp(this.listener.socket);
        return ended;
      } finally {
        this.endListeners.forEach((listener) => listener());
      }
    })();
    return this.ending;
  }

  private admitted(client: { readonly host: string; readonly port: number }): boolean {
    const transport = this.type === 'udp' ? 'udp' : 'tcp';
    if (!admits(this.pin, client)) return false;
    this.pin ??= pinToClient(transport, client);
    return true;
  }

  private accept(client: Socket): void {
    client.setNoDelay(true);
    client.on('error', () => undefined);
    const peer = { host: canonicalHost(client.remoteAddress ?? ''), port: client.remotePort ?? 0 };
    if (this.ending !== undefined || this.session.closing !== undefined || peer.port === 0 || !this.admitted(peer)) {
      resetSocket(client);
      return;
    }
    this.serve(client, peer).catch((error: unknown) => {
      resetSocket(client);
      this.env.logger.error({ err: error, appId: this.appId, sessionId: this.session.sessionId }, 'a protocol application stream failed');
    });
  }

  private async serve(client: Socket, peer: { readonly host: string; readonly port: number }): Promise<void> {
    const streamId = randomUUID();
    await this.session.attach({ streamId, clientHost: peer.host, clientPort: peer.port }, () => resetSocket(client));
    const { template, device, tenantId } = this.request;
    if (template.type === 'http') {
      this.http ??= new HttpForward(
        {
          target: { host: '127.0.0.1', port: template.devicePort, secure: template.tls !== undefined },
          ...(template.frameAncestors === undefined ? {} : { frameAncestors: template.frameAncestors }),
          connect: async () => {
            const address = { host: '127.0.0.1', port: template.devicePort };
            const dialed = await this.env.dialer.dialTcp(device, address, { tenantId });
            const socket = template.tls === undefined ? dialed.socket : await tlsOver(dialed.socket, { ...address, tls: template.tls });
            return { socket, agentIP: dialed.agentIP };
          },
        },
        this.env.logger,
      );
      const browser = this.http.serve(client);
      const meter = clientMeter(client);
      this.session.connected(streamId, meter);
      const final = await meter.done;
      await this.session.streamEnded(streamId, browser.failed && !browser.reached ? 'target-refused' : 'client-closed', final);
      return;
    }
    const gone = new AbortController();
    client.once('close', () => gone.abort());
    let dialed;
    try {
      dialed = await this.env.dialer.dialTcp(device, { host: '127.0.0.1', port: template.devicePort }, { tenantId, signal: gone.signal });
    } catch (error) {
      resetSocket(client);
      const cause: TerminationCause = isTetherError(error, 'device_offline') ? 'device-offline' : gone.signal.aborted ? 'client-closed' : 'target-refused';
      await this.session.streamEnded(streamId, cause, noTraffic);
      return;
    }
    if (this.session.closing !== undefined) {
      resetSocket(dialed.socket);
      resetSocket(client);
      return;
    }
    const spliced = splice({ socket: client }, { socket: dialed.socket });
    this.session.connected(streamId, spliceMeter(spliced), dialed.agentIP);
    const result = await spliced.ended;
    const cause = causeOfSplice(result, { a: 'client-closed', b: 'device-closed' });
    if (result.reset) dialed.close(cause);
    await this.session.streamEnded(streamId, cause, { bytesToTarget: result.bytesAToB, bytesFromTarget: result.bytesBToA });
  }

  private receive(payload: Buffer, from: RemoteInfo): void {
    if (this.ending !== undefined || !('socket' in this.listener)) return;
    const peer = { host: canonicalHost(from.address), port: from.port };
    const current = this.flow;
    if (current !== undefined && current.flow.open && current.flow.peer.host === peer.host && current.flow.peer.port === peer.port) {
      current.flow.fromClient(payload);
      return;
    }
    if ((current !== undefined && current.flow.open) || !this.admitted(peer)) return;
    const template = this.request.template;
    const flow = new UdpFlow(this.listener.socket, peer, this.env.clock, template.type === 'udp' ? (template.timeout ?? defaultFlowTimeoutMs) : defaultFlowTimeoutMs);
    const streamId = randomUUID();
    this.flow = { flow, streamId };
    flow.fromClient(payload);
    this.carryFlow(flow, streamId).catch((error: unknown) => {
      flow.end('error');
      this.env.logger.error({ err: error, appId: this.appId }, 'a protocol application UDP flow failed');
    });
  }

  private async carryFlow(flow: UdpFlow, streamId: string): Promise<void> {
    await this.session.attach({ streamId, clientHost: flow.peer.host, clientPort: flow.peer.port }, () => flow.end('error'));
    void flow.ended.then((cause) => this.session.streamEnded(streamId, cause, flow.bytes()));
    const { device, tenantId, template } = this.request;
    try {
      const stream = await this.env.dialer.openUdp(
        device,
        { host: '127.0.0.1', port: template.devicePort },
        { datagram: (payload) => flow.fromTarget(payload), closed: (cause) => flow.end(cause) },
        tenantId,
      );
      flow.attach({ send: (payload) => stream.send(payload), close: (cause) => stream.close(cause) });
      this.session.connected(streamId, flow.meter(), stream.agentIP);
    } catch (error) {
      flow.end(isTetherError(error, 'device_offline') ? 'device-offline' : 'target-refused');
    }
  }
}
