// How a UDP stream's datagrams travel between a link and the device: on a connection the agent
// dials back for the stream (to the hub, or to the relay carrying the link), length-prefixed
// (wire/datagram-stream.ts), so no datagram crosses the device's control connection and each
// stream has a connection, and a write, of its own.
import type { Socket } from 'node:net';
import { TetherError } from '../domain/errors.js';
import { DatagramWriter, readDatagrams } from '../wire/datagram-stream.js';
import type { DialBacks } from './dial-backs.js';
import type { TunnelLogger } from './live-tunnel.js';

// What close() ends a stream still waiting for its dial-back with: not worth a warning.
const closedBeforeDialBack = new TetherError('unavailable', 'the stream closed');

export interface DatagramRoute {
  /**
   * Awaits the stream's dial-back, before open-stream is sent; returns the token the message
   * carries. The device's datagrams go to `deliver`.
   */
  open(streamId: string, deliver: (payload: Uint8Array) => void): string;
  /** Sends a datagram to the device; false when dropped, as UDP may (the connection is backed up, or not there yet). */
  send(streamId: string, payload: Uint8Array): boolean;
  /** The stream ended: its connection is closed. */
  close(streamId: string): void;
}

/** The route of a node that takes dial-backs (the hub, a relay). */
export function dialBackDatagrams(dialBacks: DialBacks, logger: TunnelLogger): DatagramRoute {
  const sockets = new Map<string, { readonly socket: Socket; readonly writer: DatagramWriter }>();
  return {
    open: (streamId, deliver) => {
      const expected = dialBacks.expect(streamId);
      expected.socket.then(
        (socket) => {
          const carrier = { socket, writer: new DatagramWriter(socket) };
          sockets.set(streamId, carrier);
          socket.once('close', () => {
            if (sockets.get(streamId) === carrier) sockets.delete(streamId);
          });
          readDatagrams(socket, deliver);
          socket.resume();
        },
        (error: unknown) => {
          if (error !== closedBeforeDialBack) logger.warn({ err: error, streamId }, 'a UDP stream was not dialled back');
        },
      );
      return expected.token;
    },
    send: (streamId, payload) => {
      return sockets.get(streamId)?.writer.write(payload) ?? false;
    },
    close: (streamId) => {
      dialBacks.fail(streamId, closedBeforeDialBack);
      sockets.get(streamId)?.socket.end();
      sockets.delete(streamId);
    },
  };
}
