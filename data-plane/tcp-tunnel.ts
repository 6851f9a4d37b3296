// A TCP tunnel: a listening port whose every admitted client connection becomes a stream
// to the device port, spliced to the connection the agent dials back for it. The same tunnel
// runs on the hub and on a relay: only its environment differs (live-tunnel.ts).
import { randomUUID } from 'node:crypto';
import type { Server, Socket } from 'node:net';
import { TetherError, isTetherError } from '../domain/errors.js';
import type { AgentStreamMessage } from '../domain/gateway/stream-messages.js';
import type { ClientPin } from '../domain/tunnel/admission.js';
import { admits, pinToClient } from '../domain/tunnel/admission.js';
import { canonicalHost } from '../domain/tunnel/address.js';
import type { TerminationCause } from '../domain/tunnel/termination-cause.js';
import { resetSocket, splice } from '../wire/socket-splice.js';
import type { Splice, SpliceResult, SpliceSide } from '../wire/socket-splice.js';
import type { TunnelKey } from './tunnel-cipher.js';
import { createTunnelCipherStreams, readTunnelStreamHeader } from './tunnel-cipher.js';
import { LiveTunnel } from './live-tunnel.js';
import type { TunnelEnvironment, TunnelInfo, Totals } from './live-tunnel.js';

interface TcpStream {
  readonly client: Socket;
  splice?: Splice;
}

/** How a stream that ended on its own is recorded: who ended it first. */
function causeOf(result: SpliceResult): TerminationCause {
  if (result.first === 'a') return 'client-closed';
  if (result.first === 'b') return 'device-closed';
  return 'error';
}

// A client of an encrypted link sends its stream index first; one that does not within this is let go.
const headerTimeoutMs = 10_000;

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new TetherError('validation_failed', message)), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

export class TcpTunnel extends LiveTunnel {
  private readonly streams = new Map<string, TcpStream>();
  private closed: Totals = { bytesToDevice: 0, bytesFromDevice: 0 };
  private readonly usedStreamIndexes = new Set<bigint>();
  private readonly settled = new Set<Promise<unknown>>();
  /** Mirrors the link's pin (the source's, or its first client's host), so strangers are turned away before the device is asked. */
  private pin: ClientPin | undefined;
  /** Until its opening is recorded, a link's port turns clients away. */
  private started = false;

  constructor(
    info: TunnelInfo,
    env: TunnelEnvironment,
    private readonly server: Server,
    private readonly key: TunnelKey | undefined,
    pin: ClientPin | undefined,
  ) {
    super(info, env);
    this.pin = pin;
    server.on('connection', (client: Socket) => (this.started ? this.accept(client) : resetSocket(client)));
  }

  start(): void {
    this.started = true;
    this.startProgress();
  }

  totals(): Totals {
    let { bytesToDevice, bytesFromDevice } = this.closed;
    for (const stream of this.streams.values()) {
      bytesToDevice += stream.splice?.bytesAToB ?? 0;
      bytesFromDevice += stream.splice?.bytesBToA ?? 0;
    }
    return { bytesToDevice, bytesFromDevice };
  }

  /** A client connected to the link's port. */
  accept(client: Socket): void {
    const work = this.serve(client).catch((error: unknown) => {
      resetSocket(client);
      this.env.logger.error({ err: error, tunnelId: this.info.tunnelId }, 'a device link stream failed');
    });
    this.settled.add(work);
    void work.finally(() => this.settled.delete(work));
  }

  streamMessage(message: AgentStreamMessage): void {
    if (message.type !== 'stream-refused') return;
    this.env.logger.info({ tunnelId: this.info.tunnelId, streamId: message.streamId, reason: message.reason }, message.message);
    this.env.dialBacks.fail(message.streamId, new TetherError('forbidden', `the device refused the target: ${message.message}`));
  }

  private async serve(client: Socket): Promise<void> {
    client.setNoDelay(true);
    client.on('error', () => undefined);
    const address = { host: canonicalHost(client.remoteAddress ?? ''), port: client.remotePort ?? 0 };
    if (this.closingCause !== undefined || address.port === 0) {
      resetSocket(client);
      return;
    }
    const streamId = randomUUID();
    const context = { ...this.systemContext, ip: address.host };
    // The stream's open: recorded with the device's address as the stream is asked of it.
    const attach = (): Promise<boolean> =>
      this.env
        .record({ type: 'AttachClient', streamId, clientHost: address.host, clientPort: address.port, agentIP: this.env.control.ip }, context)
        .then((recorded) => recorded.events.some((event) => event.type === 'TunnelClientAttached'));
    // A client the link is pinned against never makes the device connect: its refusal is recorded, and that is all.
    if (!admits(this.pin, address)) {
      await attach();
      resetSocket(client);
      return;
    }
    const stream: TcpStream = { client };
    this.streams.set(streamId, stream);
    this.env.claimStream(streamId, this);
    try {
      // The device is asked at once and the header read meanwhile: a new stream costs one round of waiting, not three.
      const device = this.reachDevice(streamId, client);
      const clientSide = this.clientSide(client);
      device.catch(() => undefined);
      clientSide.catch(() => undefined);
      if (!(await attach())) {
        this.env.dialBacks.fail(streamId, new TetherError('unavailable', 'the client was refused'));
        this.streams.delete(streamId);
        resetSocket(client);
        return;
      }
      this.pin ??= pinToClient('tcp', address);
      if (this.closingCause !== undefined) throw new TetherError('unavailable', `the link closed (${this.closingCause})`);
      // Nothing is appended between the device's arrival and the first bytes: that the device side
      // was reached is recorded with the stream's close (docs/devicelink.md, "Session record").
      const spliced = splice(await clientSide, { socket: await device });
      stream.splice = spliced;
      const result = await spliced.ended;
      // A reset while a write is in flight may reach the agent as a mere FIN: say it outright.
      if (result.reset && this.closingCause === undefined && this.env.control.open) {
        this.env.control.send({ type: 'close-stream', streamId, cause: causeOf(result) });
      }
      await this.streamEnded(streamId, causeOf(result), { bytesToDevice: result.bytesAToB, bytesFromDevice: result.bytesBToA }, true);
    } catch (error) {
      resetSocket(client);
      const cause: TerminationCause = isTetherError(error, 'forbidden') ? 'target-refused' : client.destroyed ? 'client-closed' : 'error';
      if (!isTetherError(error)) this.env.logger.error({ err: error, tunnelId: this.info.tunnelId, streamId }, 'a device link stream failed');
      if (this.streams.has(streamId)) await this.streamEnded(streamId, this.closingCause ?? cause, { bytesToDevice: 0, bytesFromDevice: 0 }, stream.splice !== undefined);
    } finally {
      this.env.releaseStream(streamId);
    }
  }

  /** The client as the splice sees it: clear bytes both ways, through the link's cipher when encrypted. */
  private async clientSide(client: Socket): Promise<SpliceSide> {
    if (this.key === undefined) return { socket: client };
    const streamIndex = await withTimeout(readTunnelStreamHeader(client), headerTimeoutMs, 'no stream index arrived');
    // A repeated index would repeat a keystream: refused before a byte is decrypted or sent.
    if (this.usedStreamIndexes.has(streamIndex)) throw new TetherError('validation_failed', 'the stream index was used before on this link');
    this.usedStreamIndexes.add(streamIndex);
    const { decryptFromClient, encryptToClient } = createTunnelCipherStreams({ ...this.key, streamIndex });
    client.pipe(decryptFromClient);
    encryptToClient.pipe(client);
    return { socket: client, input: decryptFromClient, output: encryptToClient };
  }

  /** Asks the agent to reach the device port and waits for its dial-back; the client leaving cancels it. */
  private reachDevice(streamId: string, client: Socket): Promise<Socket> {
    const { dialBacks, control } = this.env;
    const expected = dialBacks.expect(streamId);
    const left = (): void => dialBacks.fail(streamId, new TetherError('unavailable', 'the client left before the device answered'));
    client.once('close', left);
    control.send({ type: 'open-stream', streamId, protocol: 'tcp', target: { host: '127.0.0.1', port: this.info.devicePort }, token: expected.token });
    return expected.socket.finally(() => client.off('close', left)).catch((error: unknown) => {
      if (control.open) control.send({ type: 'close-stream', streamId, cause: client.destroyed ? 'client-closed' : 'error' });
      throw error;
    });
  }

  private async streamEnded(streamId: string, cause: TerminationCause, bytes: Totals, reachedDevice: boolean): Promise<void> {
    this.streams.delete(streamId);
    this.closed = {
      bytesToDevice: this.closed.bytesToDevice + bytes.bytesToDevice,
      bytesFromDevice: this.closed.bytesFromDevice + bytes.bytesFromDevice,
    };
    // A stream ended by the link's own end is covered by TunnelClosed.
    if (this.closingCause !== undefined) return;
    await this.env.record({ type: 'CloseStream', streamId, cause, ...bytes, reachedDevice }, this.systemContext).catch((error: unknown) => {
      if (!isTetherError(error, 'transition_forbidden')) this.logFailure(error, 'stream end');
    });
  }

  protected async teardown(cause: TerminationCause): Promise<void> {
    this.server.close();
    for (const [streamId, stream] of this.streams) {
      this.env.dialBacks.fail(streamId, new TetherError('unavailable', `the link closed (${cause})`));
      if (stream.splice === undefined) resetSocket(stream.client);
      else stream.splice.abort();
      if (this.env.control.open) this.env.control.send({ type: 'close-stream', streamId, cause });
    }
    // Clients still being admitted see the closing cause and are let go.
    await Promise.all([...this.settled]);
  }
}
