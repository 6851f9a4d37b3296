// A UDP stream on the device: a socket connected to the target (so only the target's datagrams
// are received), each datagram one binary frame on the gateway connection, both ways. Nothing
// queues here: a datagram the gateway connection cannot take is dropped, as UDP would.
import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { encodeDatagramFrame, maxDatagramBytes } from '../domain/gateway/data-frame.js';
import type { OpenStream } from '../domain/gateway/stream-messages.js';
import { canonicalHost, isIPv4, isIPv6 } from '../domain/tunnel/address.js';
import { formatTarget } from './allow-list.js';
import type { DeviceStream, StreamOutcome } from './device-streams.js';

export interface UdpStreamOptions {
  readonly sendFrame: (frame: Uint8Array) => boolean;
  /** The default (about 208 KiB on Linux) drops bursts; the kernel may cap it lower. */
  readonly recvBufferBytes?: number;
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
  let opened = false;
  let closed = false;
  let dropped = 0;
  let fromDevice = 0;
  let toDevice = 0;

  const counts = (): string =>
    `${fromDevice} datagrams from the device, ${toDevice} to it${dropped > 0 ? `, ${dropped} dropped (too large, or the gateway connection backed up)` : ''}`;

  const fail = (error: Error): void => {
    if (closed) return;
    closed = true;
    socket?.close();
    if (opened) outcome.closed(`${error.message}; ${counts()}`, 'error');
    else outcome.refused('connect-failed', `cannot reach ${formatTarget(target)}: ${error.message}`);
  };

  addressOf(target.host).then(({ address, family }) => {
    if (closed) return;
    const udp = dgram.createSocket({ type: family === 6 ? 'udp6' : 'udp4', recvBufferSize: options.recvBufferBytes ?? 4 * 1024 * 1024 });
    socket = udp;
    udp.on('error', fail);
    udp.on('message', (payload) => {
      fromDevice += 1;
      // Over IPv6 a datagram can exceed what a frame carries.
      if (payload.length > maxDatagramBytes || !options.sendFrame(encodeDatagramFrame(streamId, payload))) dropped += 1;
    });
    udp.connect(target.port, address, () => {
      if (closed) return;
      opened = true;
      outcome.opened();
    });
  }, fail);

  return {
    close() {
      if (closed) return;
      closed = true;
      socket?.close();
      outcome.closed(opened ? `closed by the hub; ${counts()}` : 'closed by the hub before the socket was ready');
    },
    deliver(payload) {
      if (!opened || closed || socket === undefined) return;
      toDevice += 1;
      socket.send(payload);
    },
  };
}
