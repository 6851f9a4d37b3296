// A UDP stream on the device: a socket connected to the target (so only the target's datagrams
// are received), each datagram length-prefixed on a connection dialled back for the stream, both
// ways: to the hub, or to the relay that carries the link (`dialBack`), so on a relay its
// datagrams never cross the hub. None crosses the gateway connection. Nothing queues here: a datagram the
// dial-back cannot take at once is dropped, as UDP would.
import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import type { Socket } from 'node:net';
import type { OpenStream } from '../domain/gateway/stream-messages.js';
import { canonicalHost, isIPv4, isIPv6 } from '../domain/tunnel/address.js';
import { DatagramWriter, readDatagrams } from '../wire/datagram-stream.js';
import { resetSocket } from '../wire/socket-splice.js';
import { formatTarget } from './allow-list.js';
import type { DeviceStream, StreamOutcome } from './device-streams.js';
import { dialBack } from './stream-dial-back.js';

export interface UdpStreamOptions {
  /** The hub URL as the agent was given it: the dial-back goes there unless a relay carries the link. */
  readonly hub: string;
  /** The default (about 208 KiB on Linux) drops bursts; the kernel may cap it lower. */
  readonly recvBufferBytes?: number;
  /** PEM of a private CA, for a dial-back over https. */
  readonly ca?: string | Buffer;
}

async function addressOf(target: string): Promise<{ readonly address: string; readonly family: 4 | 6 }> {
  // An IPv4-mapped IPv6 address is reached over IPv4, which works also where IPv6 is off.
  const host = canonicalHost(target);
  if (isIPv4(host)) return { address: host, family: 4 };
  if (isIPv6(host)) return { address: host, family: 6 };
  const found = await lookup(host);
  return { address: found.address, family: found.family === 6 ? 6 : 4 };
}

export function openUdpStream(message: OpenStream, options: UdpStreamOptions, outcome: StreamOutcome): DeviceStream {
  const { streamId, target } = message;
  let socket: dgram.Socket | undefined;
  /** The stream's dial-back, once up. */
  let carrier: Socket | undefined;
  let toHub: DatagramWriter | undefined;
  const cancel = new AbortController();
  let opened = false;
  let closed = false;
  let dropped = 0;
  let fromDevice = 0;
  let toDevice = 0;

  const counts = (): string =>
    `${fromDevice} datagrams from the device, ${toDevice} to it${dropped > 0 ? `, ${dropped} dropped (too large, or the dial-back backed up)` : ''}`;

  const shut = (): void => {
    closed = true;
    socket?.close();
    cancel.abort();
    if (carrier !== undefined) resetSocket(carrier);
  };

  const fail = (error: Error): void => {
    if (closed) return;
    shut();
    if (opened) outcome.closed(`${error.message}; ${counts()}`, 'error');
    else outcome.refused('connect-failed', `cannot reach ${formatTarget(target)}: ${error.message}`);
  };

  const dial = (udp: dgram.Socket): void => {
    const base = message.dialBack ?? options.hub;
    const peer = message.dialBack === undefined ? 'hub' : 'relay';
    dialBack(streamId, message.token, { hub: base, signal: cancel.signal, ...(options.ca === undefined ? {} : { ca: options.ca }) }).then(
      (connection) => {
        if (closed) {
          resetSocket(connection);
          return;
        }
        carrier = connection;
        toHub = new DatagramWriter(connection);
        connection.on('error', () => undefined);
        readDatagrams(connection, (payload) => {
          toDevice += 1;
          udp.send(payload);
        });
        connection.once('close', () => {
          if (closed) return;
          // The hub or relay ends the connection when the link ends: the hub knows; only a broken one is reported.
          const broken = !connection.readableEnded;
          shut();
          outcome.closed(`the ${peer} ${broken ? 'connection broke' : 'ended the stream'}; ${counts()}`, broken ? 'error' : undefined);
        });
        connection.resume();
        opened = true;
        outcome.opened();
      },
      (error: Error) => fail(error),
    );
  };

  addressOf(target.host).then(({ address, family }) => {
    if (closed) return;
    const udp = dgram.createSocket({ type: family === 6 ? 'udp6' : 'udp4', recvBufferSize: options.recvBufferBytes ?? 4 * 1024 * 1024 });
    socket = udp;
    udp.on('error', fail);
    udp.on('message', (payload) => {
      fromDevice += 1;
      // Over IPv6 a datagram can exceed what a length prefix carries.
      if (toHub === undefined || !toHub.write(payload)) dropped += 1;
    });
    udp.connect(target.port, address, () => {
      if (!closed) dial(udp);
    });
  }, fail);

  return {
    close() {
      if (closed) return;
      shut();
      outcome.closed(opened ? `closed by the hub; ${counts()}` : 'closed by the hub before the socket was ready');
    },
  };
}
