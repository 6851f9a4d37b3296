// A port clients reach (a proxy's source port, a protocol application's port on the hub), bound
// before what it serves is recorded and serving only once started. TCP clients that come before
// the start wait, up to a bound, and are turned away if the port closes instead; UDP datagrams
// before the start are dropped, as UDP may. Closing is done once, however many ask.
import type { RemoteInfo, Socket as UdpSocket } from 'node:dgram';
import type { Server, Socket } from 'node:net';
import { resetSocket } from '../wire/socket-splice.js';
import type { PortPool } from './port-pool.js';
import { bindUdp, clientServer, clientUdpSocket, closeServer, closeUdp, listenTcp } from './source-port.js';

// Clients that connect between the port's bind and its start wait, up to this many.
const maxEarlyClients = 64;

export class TcpPort {
  readonly transport = 'tcp';
  private accept: ((client: Socket) => void) | undefined;
  private early: Socket[] = [];
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {
    server.on('connection', (client: Socket) => this.arrived(client));
  }

  /** Listens on `port`; port_in_use when another program holds it. */
  static async listen(port: number, host: string): Promise<TcpPort> {
    return new TcpPort(await listenTcp(clientServer(), port, host), port);
  }

  /** Listens on the pool's next free port; ports_exhausted when none is. */
  static async fromPool(pool: PortPool): Promise<TcpPort> {
    const server = clientServer();
    return new TcpPort(server, await pool.listen(server));
  }

  /** Clients go to `accept` from now on, those that waited first. */
  start(accept: (client: Socket) => void): void {
    this.accept = accept;
    const early = this.early;
    this.early = [];
    early.forEach(accept);
  }

  /** Stops taking clients: those still waiting are turned away; clients already accepted go on. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.accept = undefined;
      this.early.forEach((client) => resetSocket(client));
      this.early = [];
      await closeServer(this.server);
    })();
    return this.closing;
  }

  private arrived(client: Socket): void {
    client.setNoDelay(true);
    client.on('error', () => undefined);
    if (this.accept !== undefined) this.accept(client);
    else if (this.closing === undefined && this.early.length < maxEarlyClients) this.early.push(client);
    else resetSocket(client);
  }
}

export class UdpPort {
  readonly transport = 'udp';
  private receive: ((payload: Buffer, peer: RemoteInfo) => void) | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    /** The flows' answers leave through it too. */
    readonly socket: UdpSocket,
    readonly port: number,
    onError: (error: Error) => void,
  ) {
    socket.on('message', (payload, peer) => this.receive?.(payload, peer));
    socket.on('error', onError);
  }

  /** Binds `port`; port_in_use when another program holds it. */
  static async bind(port: number, host: string, onError: (error: Error) => void): Promise<UdpPort> {
    return new UdpPort(await bindUdp(port, host), port, onError);
  }

  /** Binds the pool's next free port; ports_exhausted when none is. */
  static async fromPool(pool: PortPool, onError: (error: Error) => void): Promise<UdpPort> {
    const { socket, port } = await pool.bind(() => clientUdpSocket(pool.host));
    return new UdpPort(socket, port, onError);
  }

  start(receive: (payload: Buffer, peer: RemoteInfo) => void): void {
    this.receive = receive;
  }

  /** Closes the socket: whoever closes it lets the flows that answer through it end first. */
  close(): Promise<void> {
    this.closing ??= closeUdp(this.socket);
    return this.closing;
  }
}

export type BoundPort = TcpPort | UdpPort;
