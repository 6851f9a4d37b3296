// Where each AES-256-CTR keystream of an encrypted link starts (docs/devicelink.md, "Encryption").
// A counter block is 128 bits, big-endian, and advances by one per 16 bytes, wrapping mod 2^128.
// Relative to the IV, the counter space is cut so that no two keystreams of a link can meet:
//   bit 127      direction: 0 client→device, 1 device→client (the IV's top bit flipped)
//   TCP:  bits 64..126 the stream index, bits 0..63 the block within the stream (2^68 bytes)
//   UDP:  bits 32..95 the datagram's sequence number, bits 0..31 the block within it
// Pure: this file holds the arithmetic, data-plane/tunnel-cipher.ts runs AES.
import { left, right } from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import { TetherError } from '../errors.js';

export type LinkDirection = 'client-to-device' | 'device-to-client';

export const counterBlockBytes = 16;
/** Stream indexes take 63 bits, so that the two directions' halves of the counter space stay apart. */
export const maxStreamIndex = (1n << 63n) - 1n;
export const maxDatagramSequence = (1n << 64n) - 1n;

const modulus = 1n << 128n;
const directionOffset = (direction: LinkDirection): bigint => (direction === 'client-to-device' ? 0n : 1n << 127n);

export function counterToBigInt(block: Uint8Array): bigint {
  if (block.length !== counterBlockBytes) throw new TetherError('validation_failed', `a counter block is ${counterBlockBytes} bytes`);
  let value = 0n;
  for (const byte of block) value = (value << 8n) | BigInt(byte);
  return value;
}

export function bigIntToCounter(value: bigint): Uint8Array {
  const block = new Uint8Array(counterBlockBytes);
  let rest = ((value % modulus) + modulus) % modulus;
  for (let i = counterBlockBytes - 1; i >= 0; i -= 1) {
    block[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return block;
}

/** (iv + offset) mod 2^128, as a counter block. */
export const addToCounter = (iv: Uint8Array, offset: bigint): Uint8Array => bigIntToCounter(counterToBigInt(iv) + offset);

function mustBeWithin(value: bigint, max: bigint, what: string): void {
  if (value < 0n || value > max) throw new TetherError('validation_failed', `${what} must be from 0 to ${max}`);
}

/** The first counter block of TCP stream `streamIndex` in `direction`. */
export function streamCounterStart(iv: Uint8Array, direction: LinkDirection, streamIndex: bigint): Uint8Array {
  mustBeWithin(streamIndex, maxStreamIndex, 'a stream index');
  return addToCounter(iv, directionOffset(direction) + (streamIndex << 64n));
}

/** The first counter block of UDP datagram `sequence` in `direction`. */
export function datagramCounterStart(iv: Uint8Array, direction: LinkDirection, sequence: bigint): Uint8Array {
  mustBeWithin(sequence, maxDatagramSequence, 'a datagram sequence number');
  return addToCounter(iv, directionOffset(direction) + (sequence << 32n));
}

/** Every encrypted TCP connection starts, client→hub, with its stream index: 8 bytes, big-endian, in clear. */
export const linkStreamHeaderBytes = 8;

export function encodeLinkStreamHeader(streamIndex: bigint): Uint8Array {
  mustBeWithin(streamIndex, maxStreamIndex, 'a stream index');
  const header = new Uint8Array(linkStreamHeaderBytes);
  new DataView(header.buffer).setBigUint64(0, streamIndex);
  return header;
}

export function decodeLinkStreamHeader(header: Uint8Array): Either<TetherError, bigint> {
  if (header.length !== linkStreamHeaderBytes) {
    return left(new TetherError('validation_failed', `an encrypted stream starts with a ${linkStreamHeaderBytes}-byte stream index`));
  }
  const streamIndex = new DataView(header.buffer, header.byteOffset, header.byteLength).getBigUint64(0);
  return streamIndex > maxStreamIndex
    ? left(new TetherError('validation_failed', 'a stream index has its top bit clear (it is at most 2^63-1)'))
    : right(streamIndex);
}

/** Every encrypted datagram starts with its sequence number: 8 bytes, big-endian, in clear. */
export const datagramSequenceBytes = 8;
/** The largest UDP payload over IPv4 (65,535 - 8 UDP - 20 IP header bytes). */
export const maxUdpPayloadBytes = 65_507;
/** What an encrypted datagram may carry once its sequence number is counted. */
export const maxSealedPayloadBytes = maxUdpPayloadBytes - datagramSequenceBytes;

export function encodeDatagramSequence(sequence: bigint): Uint8Array {
  mustBeWithin(sequence, maxDatagramSequence, 'a datagram sequence number');
  const bytes = new Uint8Array(datagramSequenceBytes);
  new DataView(bytes.buffer).setBigUint64(0, sequence);
  return bytes;
}

/** The sequence number a sealed datagram starts with; too short a datagram is refused. */
export function decodeDatagramSequence(datagram: Uint8Array): Either<TetherError, bigint> {
  if (datagram.length < datagramSequenceBytes) {
    return left(new TetherError('validation_failed', `an encrypted datagram starts with a ${datagramSequenceBytes}-byte sequence number`));
  }
  return right(new DataView(datagram.buffer, datagram.byteOffset, datagramSequenceBytes).getBigUint64(0));
}

