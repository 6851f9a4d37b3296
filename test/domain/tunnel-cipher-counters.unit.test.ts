import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  addToCounter,
  bigIntToCounter,
  counterToBigInt,
  datagramCounterStart,
  decodeDatagramSequence,
  decodeLinkStreamHeader,
  encodeDatagramSequence,
  encodeLinkStreamHeader,
  maxDatagramSequence,
  maxStreamIndex,
  streamCounterStart,
} from '../../domain/tunnel/cipher-counters.js';
import { ReplayWindow } from '../../domain/tunnel/replay-window.js';

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const block = (text: string): Uint8Array => Uint8Array.from(text.match(/../g) ?? [], (pair) => parseInt(pair, 16));
const iv = block('000102030405060708090a0b0c0d0e0f');

describe('counter arithmetic', () => {
  it('reads and writes 128-bit big-endian counters', () => {
    expect(counterToBigInt(iv)).toBe(0x000102030405060708090a0b0c0d0e0fn);
    expect(hex(bigIntToCounter(0x000102030405060708090a0b0c0d0e0fn))).toBe('000102030405060708090a0b0c0d0e0f');
    expect(() => counterToBigInt(new Uint8Array(15))).toThrow();
  });

  it('carries across every byte and wraps mod 2^128', () => {
    expect(hex(addToCounter(block('000000000000000000000000000000ff'), 1n))).toBe('00000000000000000000000000000100');
    expect(hex(addToCounter(block('00ffffffffffffffffffffffffffffff'), 1n))).toBe('01000000000000000000000000000000');
    expect(hex(addToCounter(block('ffffffffffffffffffffffffffffffff'), 1n))).toBe('00000000000000000000000000000000');
    expect(hex(addToCounter(block('ffffffffffffffffffffffffffffffff'), 3n))).toBe('00000000000000000000000000000002');
  });

  it('flips the top bit of the IV for device→client', () => {
    expect(hex(streamCounterStart(iv, 'client-to-device', 0n))).toBe('000102030405060708090a0b0c0d0e0f');
    expect(hex(streamCounterStart(iv, 'device-to-client', 0n))).toBe('800102030405060708090a0b0c0d0e0f');
    const high = block('f00102030405060708090a0b0c0d0e0f');
    expect(hex(streamCounterStart(high, 'device-to-client', 0n))).toBe('700102030405060708090a0b0c0d0e0f');
  });

  it('puts a TCP stream index in bits 64..126', () => {
    expect(hex(streamCounterStart(iv, 'client-to-device', 1n))).toBe('000102030405060808090a0b0c0d0e0f');
    expect(hex(streamCounterStart(iv, 'device-to-client', 5n))).toBe('800102030405060c08090a0b0c0d0e0f');
    expect(hex(streamCounterStart(new Uint8Array(16), 'client-to-device', maxStreamIndex))).toBe('7fffffffffffffff0000000000000000');
    expect(() => streamCounterStart(iv, 'client-to-device', maxStreamIndex + 1n)).toThrow();
    expect(() => streamCounterStart(iv, 'client-to-device', -1n)).toThrow();
  });

  it('keeps the two directions in disjoint halves of the counter space for every stream index', () => {
    const start = (direction: 'client-to-device' | 'device-to-client', index: bigint): bigint =>
      (counterToBigInt(streamCounterStart(iv, direction, index)) - counterToBigInt(iv) + (1n << 128n)) % (1n << 128n);
    for (const index of [0n, 1n, 12345n, maxStreamIndex]) {
      expect(start('client-to-device', index) >> 127n).toBe(0n);
      expect(start('device-to-client', index) >> 127n).toBe(1n);
    }
  });

  it('puts a datagram sequence number in bits 32..95', () => {
    expect(hex(datagramCounterStart(iv, 'client-to-device', 1n))).toBe('000102030405060708090a0c0c0d0e0f');
    expect(hex(datagramCounterStart(new Uint8Array(16), 'device-to-client', maxDatagramSequence))).toBe('80000000ffffffffffffffff00000000');
    expect(() => datagramCounterStart(iv, 'client-to-device', maxDatagramSequence + 1n)).toThrow();
  });
});

describe('stream header and datagram sequence', () => {
  it('round-trips the 8-byte stream index and refuses the top bit', () => {
    expect(hex(encodeLinkStreamHeader(258n))).toBe('0000000000000102');
    const decoded = decodeLinkStreamHeader(encodeLinkStreamHeader(maxStreamIndex));
    expect(isRight(decoded) && decoded.right).toBe(maxStreamIndex);
    expect(isLeft(decodeLinkStreamHeader(block('8000000000000000')))).toBe(true);
    expect(isLeft(decodeLinkStreamHeader(new Uint8Array(7)))).toBe(true);
    expect(() => encodeLinkStreamHeader(maxStreamIndex + 1n)).toThrow();
  });

  it('reads the sequence number at the head of a datagram, from a view at any offset', () => {
    const datagram = new Uint8Array(20);
    datagram.set(encodeDatagramSequence(maxDatagramSequence), 4);
    const decoded = decodeDatagramSequence(datagram.subarray(4));
    expect(isRight(decoded) && decoded.right).toBe(maxDatagramSequence);
    expect(isLeft(decodeDatagramSequence(new Uint8Array(7)))).toBe(true);
  });
});

describe('replay window', () => {
  it('accepts each sequence number once, in any order within the window', () => {
    const window = new ReplayWindow(8);
    for (const sequence of [5n, 3n, 4n, 9n, 6n]) expect(window.accept(sequence), String(sequence)).toBe(true);
    for (const sequence of [5n, 3n, 9n]) expect(window.accept(sequence), String(sequence)).toBe(false);
    expect(window.accept(2n)).toBe(true);
  });

  it('refuses a sequence number the window has moved past', () => {
    const window = new ReplayWindow(8);
    expect(window.accept(0n)).toBe(true);
    expect(window.accept(20n)).toBe(true);
    expect(window.accept(12n)).toBe(false);
    expect(window.accept(13n)).toBe(true);
    expect(window.accept(13n)).toBe(false);
    expect(window.accept(5n)).toBe(false);
  });

  it('handles the largest sequence numbers', () => {
    const window = new ReplayWindow();
    expect(window.accept(maxDatagramSequence)).toBe(true);
    expect(window.accept(maxDatagramSequence)).toBe(false);
    expect(window.accept(maxDatagramSequence - 1n)).toBe(true);
  });
});
