// The floor any Node relay pays, in a process of its own as the hub is: one hop that pipe()s
// each TCP connection to its target, and for UDP a socket pair with raised buffers that
// forwards datagrams to the target and back to the first client (as a link without `source`).
// Arguments: `tcp:PORT` or `udp:PORT` per target on 127.0.0.1; reports the ports it listens
// on over IPC, in the same order.
import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket as UdpSocket } from 'node:dgram';
import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { udpBufferBytes } from './tunnel-protocol.js';
import type { ListeningMessage } from './tunnel-protocol.js';

const host = '127.0.0.1';
const tcpOptions = { allowHalfOpen: true, noDelay: true };

function tcpRelay(target: number): Promise<number> {
  const server = createServer(tcpOptions, (client) => {
    const upstream = connect({ host, port: target, ...tcpOptions });
    const reset = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', reset);
    upstream.on('error', reset);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host, backlog: 511 }, () => resolve((server.address() as AddressInfo).port));
  });
}

const udpSocket = (): UdpSocket => createSocket({ type: 'udp4', recvBufferSize: udpBufferBytes, sendBufferSize: udpBufferBytes });

async function udpRelay(target: number): Promise<number> {
  const front = udpSocket();
  const back = udpSocket();
  // A datagram that could not be sent is lost, and the client counts it as lost.
  front.on('error', () => undefined);
  back.on('error', () => undefined);
  let client: RemoteInfo | undefined;
  front.on('message', (message, from) => {
    client ??= from;
    if (from.port === client.port && from.address === client.address) back.send(message);
  });
  back.on('message', (message) => {
    if (client) front.send(message, client.port, client.address);
  });
  await new Promise<void>((resolve) => back.connect(target, host, resolve));
  return new Promise((resolve) => front.bind(0, host, () => resolve(front.address().port)));
}

function relayFor(spec: string): Promise<number> {
  const match = /^(tcp|udp):(\d+)$/.exec(spec);
  if (!match?.[2]) throw new Error(`expected tcp:PORT or udp:PORT, got ${JSON.stringify(spec)}`);
  return match[1] === 'tcp' ? tcpRelay(Number(match[2])) : udpRelay(Number(match[2]));
}

const ports = await Promise.all(process.argv.slice(2).map(relayFor));
const message: ListeningMessage<readonly number[]> = { type: 'listening', ports };
process.send?.(message);
process.on('disconnect', () => process.exit(0));
