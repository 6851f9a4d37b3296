import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { TetherError } from '../../domain/errors.js';
import {
  datagramFrameHeaderBytes,
  decodeDatagramFrame,
  encodeDatagramFrame,
  maxDatagramBytes,
} from '../../domain/gateway/data-frame.js';
import type { DatagramFrame } from '../../domain/gateway/data-frame.js';

const streamId = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0ff';

function decoded(result: Either<TetherError, DatagramFrame>): DatagramFrame {
  if (isLeft(result)) throw result.left;
  return result.right;
}

describe('datagram frames', () => {
  it('lays out kind, stream id bytes and payload', () => {
    const frame = encodeDatagramFrame(streamId, Uint8Array.of(0xde, 0xad));
    expect(Array.from(frame.subarray(0, datagramFrameHeaderBytes))).toEqual([
      0x01, 0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x49, 0x78, 0x86, 0x95, 0xa4, 0xb3, 0xc2, 0xd1, 0xe0, 0xff,
    ]);
    expect(Array.from(frame.subarray(datagramFrameHeaderBytes))).toEqual([0xde, 0xad]);
  });

  it('round-trips empty and maximal datagrams, the payload a view into the frame', () => {
    for (const size of [0, 1, 1000, maxDatagramBytes]) {
      const payload = Uint8Array.from({ length: size }, (_, i) => (i * 31) & 0xff);
      const frame = encodeDatagramFrame(streamId, payload);
      const result = decoded(decodeDatagramFrame(frame));
      expect(result.streamId).toBe(streamId);
      expect(Buffer.compare(result.payload, payload)).toBe(0);
      expect(result.payload.length).toBe(size);
      expect(result.payload.buffer).toBe(frame.buffer);
    }
  });

  it('decodes a frame that is a view at an offset of a larger buffer', () => {
    const frame = encodeDatagramFrame(streamId, Uint8Array.of(7, 8, 9));
    const bigger = new Uint8Array(frame.length + 5);
    bigger.set(frame, 5);
    expect(Array.from(decoded(decodeDatagramFrame(bigger.subarray(5))).payload)).toEqual([7, 8, 9]);
  });

  it('refuses an oversized datagram or a bad stream id when encoding', () => {
    expect(() => encodeDatagramFrame(streamId, new Uint8Array(maxDatagramBytes + 1))).toThrow(expect.objectContaining({ code: 'payload_too_large' }));
    expect(() => encodeDatagramFrame(streamId.toUpperCase(), new Uint8Array(1))).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });

  it('refuses short, unknown and oversized frames when decoding', () => {
    expect(decodeDatagramFrame(new Uint8Array(16))).toMatchObject({ left: { code: 'validation_failed' } });
    const unknown = encodeDatagramFrame(streamId, new Uint8Array(1));
    unknown[0] = 0x02;
    expect(decodeDatagramFrame(unknown)).toMatchObject({ left: { code: 'validation_failed', message: 'unknown binary frame kind 0x02' } });
    const oversized = new Uint8Array(datagramFrameHeaderBytes + maxDatagramBytes + 1);
    oversized[0] = 0x01;
    expect(decodeDatagramFrame(oversized)).toMatchObject({ left: { code: 'payload_too_large' } });
    expect(isRight(decodeDatagramFrame(oversized.subarray(0, oversized.length - 1)))).toBe(true);
  });
});
