// UDP through a target to the echo server: numbered datagrams with a fixed number in flight,
// each echoed one making room for the next. A lost datagram never comes back, so the run ends
// when all are back or nothing has come back for a while; what is missing then is the loss.
import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { udpBufferBytes } from './tunnel-protocol.js';

export interface UdpOptions {
  readonly datagrams: number;
  readonly size: number;
  readonly window: number;
  /** No echo for this long ends the run; every datagram still out counts as lost. */
  readonly stallMs: number;
}

export interface UdpFigures {
  readonly sent: number;
  readonly echoed: number;
  readonly lost: number;
  /** Echoes that were not a datagram sent once, whole and unanswered so far. */
  readonly strays: number;
  /** From the first measured send to the last echo. */
  readonly ms: number;
  /** Probes sent before the first echo (a link may start forwarding a little after its first datagram). */
  readonly probes: number;
  /** Payload bytes sent and received, probes and strays included: for a link, its session's totals. */
  readonly bytesToServer: number;
  readonly bytesFromServer: number;
}

export const echoesPerSecond = (udp: UdpFigures): number => udp.echoed / (udp.ms / 1000);

const probeSequence = 0xffffffff;
const probeEveryMs = 200;
const probeForMs = 10_000;

interface Counts {
  sentBytes: number;
  receivedBytes: number;
}

function datagram(size: number, sequence: number, into?: Buffer): Buffer {
  const buffer = into ?? Buffer.alloc(size, 0x33);
  buffer.writeUInt32BE(sequence, 0);
  return buffer;
}

/** Probes until one echo comes back: the target forwards from then on. */
async function firstEcho(socket: UdpSocket, size: number, counts: Counts): Promise<number> {
  const probe = datagram(size, probeSequence);
  let probes = 0;
  let timer: NodeJS.Timeout | undefined;
  const deadline = performance.now() + probeForMs;
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('message', () => resolve());
      const send = (): void => {
        if (performance.now() > deadline) {
          reject(new Error(`no UDP echo within ${probeForMs} ms (${probes} probes sent)`));
          return;
        }
        probes += 1;
        counts.sentBytes += size;
        socket.send(probe);
        timer = setTimeout(send, probeEveryMs);
      };
      send();
    });
  } finally {
    clearTimeout(timer);
  }
  return probes;
}

function windowed(socket: UdpSocket, options: UdpOptions, counts: Counts): Promise<Omit<UdpFigures, 'probes' | 'bytesToServer' | 'bytesFromServer'>> {
  const { datagrams, size, window, stallMs } = options;
  // A buffer is reused only once the datagram sent from it a full window earlier came back.
  const buffers = Array.from({ length: 2 * window }, (_, i) => datagram(size, i));
  const seen = new Uint8Array(datagrams);
  let sent = 0;
  let echoed = 0;
  let strays = 0;
  let start = 0;
  let lastEchoAt = 0;
  const sendNext = (): void => {
    const buffer = buffers[sent % buffers.length] ?? datagram(size, sent);
    datagram(size, sent, buffer);
    counts.sentBytes += size;
    sent += 1;
    socket.send(buffer);
  };
  return new Promise((resolve) => {
    const finish = (): void => {
      clearInterval(watch);
      socket.off('message', onMessage);
      resolve({ sent, echoed, lost: sent - echoed, strays, ms: lastEchoAt - start });
    };
    const onMessage = (message: Buffer): void => {
      const sequence = message.length === size ? message.readUInt32BE(0) : probeSequence;
      if (sequence === probeSequence || sequence >= datagrams || seen[sequence] === 1) {
        if (sequence !== probeSequence || message.length !== size) strays += 1;
        return;
      }
      seen[sequence] = 1;
      echoed += 1;
      lastEchoAt = performance.now();
      if (sent < datagrams) sendNext();
      else if (echoed === sent) finish();
    };
    socket.on('message', onMessage);
    const watch = setInterval(() => {
      if (performance.now() - lastEchoAt > stallMs) finish();
    }, stallMs / 4);
    start = performance.now();
    lastEchoAt = start;
    while (sent < Math.min(window, datagrams)) sendNext();
  });
}

/** Sends `datagrams` datagrams of `size` bytes to 127.0.0.1:`port`, `window` in flight, from one socket. */
export async function udpWindow(port: number, options: UdpOptions): Promise<UdpFigures> {
  const socket = createSocket({ type: 'udp4', recvBufferSize: udpBufferBytes, sendBufferSize: udpBufferBytes });
  socket.on('error', () => undefined);
  const counts: Counts = { sentBytes: 0, receivedBytes: 0 };
  socket.on('message', (message: Buffer) => {
    counts.receivedBytes += message.length;
  });
  try {
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => socket.connect(port, '127.0.0.1', resolve));
    const probes = await firstEcho(socket, options.size, counts);
    const figures = await windowed(socket, options, counts);
    return { ...figures, probes, bytesToServer: counts.sentBytes, bytesFromServer: counts.receivedBytes };
  } finally {
    socket.close();
  }
}
