// A tcp, udp or http protocol application connected on a device: a port on the hub (from the
// DeviceLink range) leading to the application's port on the device, as a DeviceLink does. As
// a DeviceLink without `source`, the first client pins it (its host for TCP and HTTP, its host
// and port for UDP); others are turned away. Each client connection (or UDP flow) is a stream
// of the one session. The sessions' live module binds the port before the session is recorded,
// starts this connection once it is, and closes the port once its end is (app-sessions-live.ts).
import { randomUUID } from 'node:crypto';
import type { RemoteInfo } from 'node:dgram';
import type { Socket } from 'node:net';
import { isTetherError, TetherError } from '../../domain/errors.js';
import type { ClientPin } from '../../domain/tunnel/admission.js';
import { admits, pinToClient } from '../../domain/tunnel/admission.js';
import { canonicalHost } from '../../domain/tunnel/address.js';
import type { TerminationCause } from '../../domain/tunnel/termination-cause.js';
import type { AppTemplate, HttpApp, TcpApp, UdpApp } from '../../domain/protocol-app/app-template.js';
import { resetSocket, splice } from '../../wire/socket-splice.js';
import type { AppConnection, ConnectionEnv, ConnectRequest } from './app-connection.js';
import type { SessionToOpen } from './app-sessions-live.js';
import type { CommandContext } from '../../domain/command-context.js';
import type { BoundPort } from '../../data-plane/bound-port.js';
import { LiveForwardSession, noTraffic } from '../forward-session/forward-session.js';
import { HttpForward } from '../../data-plane/http-forward.js';
import { causeOfSplice, clientMeter, spliceMeter } from '../forward-session/splice-meter.js';
import { httpAppSettings } from './http-app-settings.js';
import { UdpFlow } from '../forward-session/udp-flow.js';

type PortTemplate = TcpApp | UdpApp | HttpApp;
type PortRequest = ConnectRequest & { readonly template: PortTemplate };

export const isPortTemplate = (template: AppTemplate): template is PortTemplate => template.type !== 'dtt-reverse';

const defaultFlowTimeoutMs = 60_000;

function sessionFields({ appId, template, tenantId, device, context }: PortRequest, nodeId: string, sessionId: string): SessionToOpen['fields'] {
  return {
    sessionId,
    kind: 'protocol-app',
    sourceId: appId,
    mode: template.type,
    transport: template.type === 'udp' ? 'udp' : 'tcp',
    target: { host: '127.0.0.1', port: template.devicePort },
    relay: 'hub',
    node: nodeId,
    tenantId,
    device,
    devicePort: template.devicePort,
    tls: template.type === 'http' && template.tls !== undefined,
    ...(context.ip === undefined ? {} : { userIP: context.ip }),
  };
}

export class PortAppConnection implements AppConnection {
  readonly type: PortTemplate['type'];
  private pin: ClientPin | undefined;
  private flow: { readonly flow: UdpFlow; readonly streamId: string } | undefined;
  private http: HttpForward | undefined;
  private ending: Promise<{ readonly position?: number }> | undefined;
  private readonly endListeners: (() => void)[] = [];
  private openedAt: number | undefined;

  private constructor(
    private readonly request: PortRequest,
    private readonly env: ConnectionEnv,
    private readonly bound: BoundPort,
    private readonly session: LiveForwardSession,
  ) {
    this.type = request.template.type;
  }

  get appId(): string {
    return this.request.appId;
  }

  get device(): ConnectRequest['device'] {
    return this.request.device;
  }

  get port(): number {
    return this.bound.port;
  }

  get position(): number | undefined {
    return this.openedAt;
  }

  get sessionIds(): readonly string[] {
    return [this.session.sessionId];
  }

  /** Records the session on a port the sessions' live module binds; serves once the record is stored. */
  static async open(request: PortRequest, env: ConnectionEnv): Promise<PortAppConnection> {
    const sessionId = randomUUID();
    let connection: PortAppConnection | undefined;
    const carrier = {
      opened: (port: BoundPort | undefined): void => {
        if (port === undefined) throw new TetherError('internal', `no port was bound for protocol application ${request.appId}`);
        connection = new PortAppConnection(request, env, port, LiveForwardSession.opened(env.forward, sessionId));
        connection.start();
      },
      ended: (cause: TerminationCause): void => connection?.endedElsewhere(cause),
    };
    const transport = request.template.type === 'udp' ? 'udp' : 'tcp';
    const toOpen = { fields: sessionFields(request, env.nodeId, sessionId), port: transport, carrier } as const;
    const { position } = await env.forward.runtime.reserve(env.sessions.registered, sessionId, toOpen, request.context);
    if (connection === undefined) throw new TetherError('internal', `protocol application ${request.appId} did not start serving`);
    connection.openedAt = position;
    return connection;
  }

  reverseMessage(): void {
    // A port connection has no listeners on the device.
  }

  onEnded(listener: () => void): void {
    this.endListeners.push(listener);
  }

  /** Ends it for `cause`; the port closes even if the end could not be recorded (the sessions' live module records it later). */
  close(cause: TerminationCause, context?: CommandContext): Promise<{ readonly position?: number }> {
    this.ending ??= (async () => {
      try {
        this.flow?.flow.end(cause);
        return await this.session.close(cause, context);
      } catch (error) {
        this.env.sessions.endNotStored(this.session.sessionId, cause);
        throw error;
      } finally {
        await this.bound.close();
        this.endListeners.forEach((listener) => listener());
      }
    })();
    return this.ending;
  }

  /** Its end was stored by another hand than close(); the sessions' live module closes the port. */
  private endedElsewhere(cause: TerminationCause): void {
    if (this.ending !== undefined) return;
    this.ending = Promise.resolve({});
    this.session.endedElsewhere(cause);
    this.flow?.flow.end(cause);
    this.endListeners.forEach((listener) => listener());
  }

  private start(): void {
    if (this.bound.transport === 'udp') this.bound.start((payload, peer) => this.receive(payload, peer));
    else this.bound.start((client) => this.accept(client));
  }

  private admitted(client: { readonly host: string; readonly port: number }): boolean {
    const transport = this.type === 'udp' ? 'udp' : 'tcp';
    if (!admits(this.pin, client)) return false;
    this.pin ??= pinToClient(transport, client);
    return true;
  }

  private accept(client: Socket): void {
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
      this.http ??= new HttpForward(httpAppSettings(template, device, tenantId, this.env.dialer), this.env.logger);
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
    if (this.ending !== undefined || this.bound.transport !== 'udp') return;
    const peer = { host: canonicalHost(from.address), port: from.port };
    const current = this.flow;
    if (current !== undefined && current.flow.open && current.flow.peer.host === peer.host && current.flow.peer.port === peer.port) {
      current.flow.fromClient(payload);
      return;
    }
    if ((current !== undefined && current.flow.open) || !this.admitted(peer)) return;
    const template = this.request.template;
    const flow = new UdpFlow(this.bound.socket, peer, this.env.clock, template.type === 'udp' ? (template.timeout ?? defaultFlowTimeoutMs) : defaultFlowTimeoutMs);
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
