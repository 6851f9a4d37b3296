// The tunnel benchmark's "device", in a process of its own as on a real device: a TCP sink,
// source and echo server (see tunnel-protocol.ts) and a UDP echo server, on 127.0.0.1.
// Reports their ports over IPC and exits when the benchmark goes.
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { encodeCount, pump, readCount, udpBufferBytes } from './tunnel-protocol.js';
import type { DevicePorts, ListeningMessage } from './tunnel-protocol.js';

const tcpOptions = { allowHalfOpen: true, noDelay: true };

function tcpServer(serve: (socket: Socket) => void): Server {
  return createServer(tcpOptions, (socket) => {
    socket.on('error', () => socket.destroy());
    serve(socket);
  });
}

const sink = tcpServer((socket) => {
  let received = 0;
  socket.on('data', (data: Buffer) => {
    received += data.length;
  });
  socket.on('end', () => socket.end(encodeCount(received)));
});

const source = tcpServer((socket) => {
  readCount(socket)
    .then((n) => pump(socket, n))
    .then(
      () => socket.end(),
      () => socket.destroy(),
    );
});

const echo = tcpServer((socket) => {
  socket.pipe(socket);
});

const udpEcho = createSocket({ type: 'udp4', recvBufferSize: udpBufferBytes, sendBufferSize: udpBufferBytes });
udpEcho.on('message', (message, from) => udpEcho.send(message, from.port, from.address));
// A datagram that could not be sent is lost, and the client counts it as lost.
udpEcho.on('error', () => undefined);

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', backlog: 511 }, () => resolve((server.address() as AddressInfo).port));
  });
}

const udpPort = await new Promise<number>((resolve) => {
  udpEcho.bind(0, '127.0.0.1', () => resolve(udpEcho.address().port));
});
const ports: DevicePorts = { sink: await listen(sink), source: await listen(source), echo: await listen(echo), udpEcho: udpPort };
const message: ListeningMessage<DevicePorts> = { type: 'listening', ports };
process.send?.(message);
process.on('disconnect', () => process.exit(0));
