// UDP datagrams on a byte stream: a UDP stream has the agent dial back one connection (as a
// TCP stream does), to the hub or to the relay carrying the link, and its datagrams travel on
// it both ways, each as
//   [length: 2 bytes, big-endian][payload: length bytes]
// so boundaries survive and none crosses the device's control connection. Nothing queues without bound: a
// datagram the connection cannot take at once is dropped, as UDP may drop it.
import type { Socket } from 'node:net';
import { TurnCork } from './turn-cork.js';

/** The largest payload a frame carries (a UDP payload over IPv4 is at most 65,507 bytes). */
export const maxStreamDatagramBytes = 65_535;

/** Past this much unsent on the connection, datagrams are dropped rather than queued. */
const maxQueuedBytes = 1024 * 1024;

/** Writes a connection's datagrams; those of one turn of the event loop (a burst) go out in one write. */
export class DatagramWriter {
  private readonly turn: TurnCork;

  constructor(private readonly socket: Socket) {
    this.turn = new TurnCork(socket);
  }

  /** False when the datagram was dropped (too large, or the connection is backed up or gone). */
  write(payload: Uint8Array): boolean {
    const { socket } = this;
    if (payload.length > maxStreamDatagramBytes || socket.destroyed || !socket.writable || socket.writableLength > maxQueuedBytes) return false;
    const header = Buffer.allocUnsafe(2);
    header.writeUInt16BE(payload.length, 0);
    this.turn.hold();
    socket.write(header);
    socket.write(payload);
    return true;
  }
}

/** Hands each datagram the connection carries to `deliver`, in order, until it ends. */
export function readDatagrams(socket: Socket, deliver: (payload: Buffer) => void): void {
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let offset = 0;
    while (pending.length - offset >= 2) {
      const length = pending.readUInt16BE(offset);
      if (pending.length - offset - 2 < length) break;
      deliver(pending.subarray(offset + 2, offset + 2 + length));
      offset += 2 + length;
    }
    pending = offset === 0 ? pending : pending.subarray(offset);
  });
}
