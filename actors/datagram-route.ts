// How a UDP stream's datagrams travel between a link and the device. On the hub they are
// binary frames on the agent's gateway connection (domain/gateway/data-frame.ts); on a relay
// they go on a connection the agent dials back to the relay, length-prefixed
// (wire/datagram-stream.ts), so a relay's UDP traffic never crosses the hub.
import { randomBytes } from 'node:crypto';
import { datagramFramer } from '../domain/gateway/data-frame.js';
import type { DeviceLink } from './device-link.js';

export interface DatagramRoute {
  /**
   * Prepares the stream's way to the device, before open-stream is sent; returns the token the
   * message carries. The device's datagrams go to `deliver` (on the hub the supervisor hands
   * gateway frames to the link instead).
   */
  open(streamId: string, deliver: (payload: Uint8Array) => void): string;
  /** Sends a datagram to the device; dropped, as UDP may, when the way is congested or not there yet. */
  send(streamId: string, payload: Uint8Array): void;
  /** The stream ended: its way is closed. */
  close(streamId: string): void;
}

/** The hub's route: frames on the device's gateway connection. */
export function gatewayDatagrams(control: DeviceLink): DatagramRoute {
  const framers = new Map<string, (payload: Uint8Array) => Uint8Array>();
  return {
    open: (streamId) => {
      framers.set(streamId, datagramFramer(streamId));
      // A UDP stream on the hub is never dialled back: its token is there for the message's shape alone.
      return randomBytes(16).toString('base64url');
    },
    send: (streamId, payload) => {
      const frameOf = framers.get(streamId);
      if (frameOf !== undefined) control.sendFrame(frameOf(payload));
    },
    close: (streamId) => {
      framers.delete(streamId);
    },
  };
}
