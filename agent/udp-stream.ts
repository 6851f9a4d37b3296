// A UDP stream on the device: a socket connected to the target (so only the target's datagrams
// are received), each datagram one binary frame on the gateway connection, both ways; or, when
// a relay carries the link (`dialBack`), each datagram length-prefixed on a connection dialled
// back to that relay, so the datagrams never cross the hub. Nothing queues here: a datagram the
// way to the hub or relay cannot take is dropped, as UDP would.
import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import type { Socket } from 'node:net';
import { datagramFramer, maxDatagramBytes } from '../domain/gateway/data-frame.js';
import type { OpenStream } from '../domain/gateway/stream-messages.js';
import { canonicalHost, isIPv4, isIPv6 } from '../domain/tunnel/address.js';
import { readDatagrams, writeDatagram } from '../wire/datagram-stream.js';
import { resetSocket } from '../wire/socket-splice.js';
import { formatTarget } from './allow-list.js';
import type { DeviceStream, StreamOutcome } from './device-streams.js';
import { dialBack } from './stream-dial-back.js';

export interface UdpStreamOptions {
  readonly sendFrame: (frame: Uint8Array) => boolean;
  /** The default (about 208 KiB on Linux) drops bursts; the kernel may cap it lower. */
  readonly recvBufferBytes?: number;
  /** PEM of a private CA, for a relay's dial-back over https. */
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
  /** The relay's dial-back, when a relay carries the link. */
  let relay: Socket | undefined;
  const cancel = new AbortController();
  let opened = false;
  let closed = false;
  let dropped = 0;
  let fromDevice = 0;
  let toDevice = 0;

  const counts = (): string =>
    `${fromDevice} datagrams from the device, ${toDevice} to it${dropped > 0 ? `, ${dropped} dropped (too large, or the gateway connection backed up)` : ''}`;

  const shut = (): void => {
    closed = true;
    socket?.close();
    cancel.abort();
    if (relay !== undefined) resetSocket(relay);
  };

  const fail = (error: Error): void => {
    if (closed) return;
    shut();
    if (opened) outcome.closed(`${error.message}; ${counts()}`, 'error');
    else outcome.refused('connect-failed', `cannot reach ${formatTarget(target)}: ${error.message}`);
  };

  const frameOf = datagramFramer(streamId);
  const toHub = (payload: Buffer): boolean => (relay === undefined ? options.sendFrame(frameOf(payload)) : writeDatagram(relay, payload));

  /** A relay's link: its datagrams go on a connection of their own to that relay. */
  const dialRelay = (udp: dgram.Socket, base: string): void => {
    dialBack(streamId, message.token, { hub: base, signal: cancel.signal, ...(options.ca === undefined ? {} : { ca: options.ca }) }).then(
      (connection) => {
        if (closed) {
          resetSocket(connection);
          return;
        }
        relay = connection;
        connection.on('error', () => undefined);
        readDatagrams(connection, (payload) => {
          toDevice += 1;
          udp.send(payload);
        });
        connection.once('close', () => {
          if (closed) return;
          // The relay ends the connection when the link ends: the hub knows; only a broken one is reported.
          const broken = !connection.readableEnded;
          shut();
          outcome.closed(`the relay ${broken ? 'connection broke' : 'ended the stream'}; ${counts()}`, broken ? 'error' : undefined);
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
      // Over IPv6 a datagram can exceed what a frame carries.
      if (payload.length > maxDatagramBytes || !opened || !toHub(payload)) dropped += 1;
    });
    udp.connect(target.port, address, () => {
      if (closed) return;
      if (message.dialBack !== undefined) {
        dialRelay(udp, message.dialBack);
        return;
      }
      opened = true;
      outcome.opened();
    });
  }, fail);

  return {
    close() {
      if (closed) return;
      shut();
      outcome.closed(opened ? `closed by the hub; ${counts()}` : 'closed by the hub before the socket was ready');
    },
    deliver(payload) {
      // A relay's datagrams come on its own connection, never as frames.
      if (!opened || closed || socket === undefined || relay !== undefined) return;
      toDevice += 1;
      socket.send(payload);
    },
  };
}
