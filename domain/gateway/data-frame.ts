// UDP datagrams cross the agent's gateway WebSocket one binary frame each, so their boundaries
// survive:  [kind: 1 byte = 0x01][streamId: 16 bytes, the UUID's bytes][payload: 0..65,507 bytes].
// The kind byte leaves room for other binary frames later; an unknown kind is refused.
// Decoding never copies the payload: it is a view into the frame.
import { left, right } from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import { TetherError } from '../errors.js';

export const datagramFrameKind = 0x01;
export const datagramFrameHeaderBytes = 17;
/** The largest UDP payload over IPv4: 65,535 - 8 (UDP header) - 20 (IP header). */
export const maxDatagramBytes = 65_507;
export const maxDatagramFrameBytes = datagramFrameHeaderBytes + maxDatagramBytes;

export interface DatagramFrame {
  readonly streamId: string;
  readonly payload: Uint8Array;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const hexOfByte = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

function uuidOf(bytes: Uint8Array, offset: number): string {
  let text = '';
  for (let i = 0; i < 16; i += 1) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text += '-';
    text += hexOfByte[bytes[offset + i] ?? 0] ?? '';
  }
  return text;
}

function writeUuid(streamId: string, into: Uint8Array, offset: number): void {
  const hex = streamId.replaceAll('-', '');
  for (let i = 0; i < 16; i += 1) into[offset + i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
}

/**
 * Frames the datagrams of one stream: the header is checked and built once, so each datagram
 * costs one copy. Throws validation_failed for a stream id that is not a lower-case UUID.
 */
export function datagramFramer(streamId: string): (payload: Uint8Array) => Uint8Array {
  if (!uuid.test(streamId)) throw new TetherError('validation_failed', 'a stream id is a UUID in lower case', ['streamId']);
  const header = new Uint8Array(datagramFrameHeaderBytes);
  header[0] = datagramFrameKind;
  writeUuid(streamId, header, 1);
  /** Throws payload_too_large. */
  return (payload) => {
    if (payload.length > maxDatagramBytes) {
      throw new TetherError('payload_too_large', `a UDP datagram carries at most ${maxDatagramBytes} bytes, not ${payload.length}`);
    }
    const frame = new Uint8Array(datagramFrameHeaderBytes + payload.length);
    frame.set(header, 0);
    frame.set(payload, datagramFrameHeaderBytes);
    return frame;
  };
}

/** One frame holding the datagram; throws validation_failed or payload_too_large. */
export function encodeDatagramFrame(streamId: string, payload: Uint8Array): Uint8Array {
  return datagramFramer(streamId)(payload);
}

export function decodeDatagramFrame(frame: Uint8Array): Either<TetherError, DatagramFrame> {
  if (frame.length < datagramFrameHeaderBytes) {
    return left(new TetherError('validation_failed', `a datagram frame has a ${datagramFrameHeaderBytes}-byte header; got ${frame.length} bytes`));
  }
  if (frame[0] !== datagramFrameKind) {
    return left(new TetherError('validation_failed', `unknown binary frame kind 0x${(frame[0] ?? 0).toString(16).padStart(2, '0')}`));
  }
  if (frame.length > maxDatagramFrameBytes) {
    return left(new TetherError('payload_too_large', `a UDP datagram carries at most ${maxDatagramBytes} bytes`));
  }
  return right({ streamId: uuidOf(frame, 1), payload: frame.subarray(datagramFrameHeaderBytes) });
}
