// AES-256-CTR for encrypted tunnels, with the counter layout of domain/tunnel/cipher-counters.ts
// (specified in docs/devicelink.md): one keystream per direction and per stream or datagram,
// never one for two. CTR encryption and decryption are the same XOR, so each side needs one
// keystream per direction; the names say which way the bytes go.
import { createCipheriv, randomBytes } from 'node:crypto';
import type { Readable, Transform } from 'node:stream';
import { isLeft } from 'fp-ts/lib/Either.js';
import { TetherError } from '../domain/errors.js';
import {
  datagramCounterStart,
  datagramSequenceBytes,
  decodeDatagramSequence,
  decodeLinkStreamHeader,
  encodeDatagramSequence,
  encodeLinkStreamHeader,
  linkStreamHeaderBytes,
  maxSealedPayloadBytes,
  maxUdpPayloadBytes,
  streamCounterStart,
} from '../domain/tunnel/cipher-counters.js';
import type { LinkDirection } from '../domain/tunnel/cipher-counters.js';

export interface TunnelKey {
  /** 32 bytes. */
  readonly key: Uint8Array;
  /** 16 bytes. */
  readonly iv: Uint8Array;
}

const hex = (length: number): RegExp => new RegExp(`^[0-9a-fA-F]{${length}}$`);

/** The key and IV of a request's `encrypt`, checked again: Buffer.from(hex) would silently truncate. */
export function tunnelKeyFromHex(encrypt: { readonly key: string; readonly initializationVector: string }): TunnelKey {
  if (!hex(64).test(encrypt.key)) {
    throw new TetherError('validation_failed', 'encrypt.key must be 64 hex characters (32 bytes, AES-256)', ['encrypt.key']);
  }
  if (!hex(32).test(encrypt.initializationVector)) {
    throw new TetherError('validation_failed', 'encrypt.initializationVector must be 32 hex characters (16 bytes)', ['encrypt.initializationVector']);
  }
  return { key: Buffer.from(encrypt.key, 'hex'), iv: Buffer.from(encrypt.initializationVector, 'hex') };
}

const keystream = (link: TunnelKey, counterStart: Uint8Array): Transform => createCipheriv('aes-256-ctr', link.key, counterStart);

export interface TunnelStreamOptions extends TunnelKey {
  /** The index the client sent in the stream's header. */
  readonly streamIndex: bigint;
}

/** The hub's side of one TCP stream: what the client sent becomes clear, what goes back is encrypted. */
export function createTunnelCipherStreams(options: TunnelStreamOptions): { decryptFromClient: Transform; encryptToClient: Transform } {
  return {
    decryptFromClient: keystream(options, streamCounterStart(options.iv, 'client-to-device', options.streamIndex)),
    encryptToClient: keystream(options, streamCounterStart(options.iv, 'device-to-client', options.streamIndex)),
  };
}

/**
 * The client's side of one TCP stream (`tether link open --encrypt`): write `header` to the
 * hub first, then pipe the local bytes through encryptToHub; pipe the hub's bytes through decryptFromHub.
 */
export function createClientCipherStreams(options: TunnelStreamOptions): { header: Buffer; encryptToHub: Transform; decryptFromHub: Transform } {
  return {
    header: Buffer.from(encodeLinkStreamHeader(options.streamIndex)),
    encryptToHub: keystream(options, streamCounterStart(options.iv, 'client-to-device', options.streamIndex)),
    decryptFromHub: keystream(options, streamCounterStart(options.iv, 'device-to-client', options.streamIndex)),
  };
}

/** A random stream index: with 63 bits, two streams of one link share one with negligible odds. */
export const randomStreamIndex = (): bigint => randomBytes(8).readBigUInt64BE(0) >> 1n;

/**
 * Reads the 8-byte stream index an encrypted TCP stream starts with, leaving every later byte
 * in `readable` for whoever pipes it next. Rejects when the stream ends first or the index is invalid.
 * The hub must refuse an index already used on the link: its keystreams would repeat.
 */
export function readTunnelStreamHeader(readable: Readable): Promise<bigint> {
  return new Promise((resolve, reject) => {
    const settle = (outcome: () => void): void => {
      readable.off('readable', onReadable);
      readable.off('end', onEnd);
      readable.off('close', onEnd);
      readable.off('error', onError);
      outcome();
    };
    function onReadable(): void {
      const header: unknown = readable.read(linkStreamHeaderBytes);
      if (header === null) return;
      const decoded = decodeLinkStreamHeader(Buffer.isBuffer(header) ? header : new Uint8Array());
      settle(() => (isLeft(decoded) ? reject(decoded.left) : resolve(decoded.right)));
    }
    function onEnd(): void {
      settle(() => reject(new TetherError('validation_failed', 'the encrypted stream ended before its stream index')));
    }
    function onError(error: Error): void {
      settle(() => reject(error));
    }
    readable.on('readable', onReadable);
    readable.on('end', onEnd);
    readable.on('close', onEnd);
    readable.on('error', onError);
  });
}

function xorKeystream(link: TunnelKey, counterStart: Uint8Array, input: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-256-ctr', link.key, counterStart);
  return Buffer.concat([cipher.update(input), cipher.final()]);
}

/** One UDP datagram: 8-byte big-endian `sequence`, then the payload under that datagram's keystream. */
export function sealDatagram(link: TunnelKey, direction: LinkDirection, sequence: bigint, payload: Uint8Array): Buffer {
  if (payload.length > maxSealedPayloadBytes) {
    throw new TetherError('payload_too_large', `an encrypted datagram carries at most ${maxSealedPayloadBytes} bytes, not ${payload.length}`);
  }
  const ciphertext = xorKeystream(link, datagramCounterStart(link.iv, direction, sequence), payload);
  return Buffer.concat([encodeDatagramSequence(sequence), ciphertext]);
}

/**
 * The sequence number and clear payload of a sealed datagram. Any datagram opens (CTR does
 * not authenticate); the caller drops repeats and stale ones with a ReplayWindow.
 */
export function openDatagram(link: TunnelKey, direction: LinkDirection, datagram: Uint8Array): { sequence: bigint; payload: Buffer } {
  if (datagram.length > maxUdpPayloadBytes) {
    throw new TetherError('payload_too_large', `a UDP datagram carries at most ${maxUdpPayloadBytes} bytes`);
  }
  const sequence = decodeDatagramSequence(datagram);
  if (isLeft(sequence)) throw sequence.left;
  const payload = xorKeystream(link, datagramCounterStart(link.iv, direction, sequence.right), datagram.subarray(datagramSequenceBytes));
  return { sequence: sequence.right, payload };
}
