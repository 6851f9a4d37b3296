// A catalog file cut into chunks for the store and joined again. A file may be 4 MiB, an event
// at most 1 MiB (every store keeps EventStoreDB's limit); 512 KiB of bytes is 683 KiB in base64,
// with room for the metadata. The whole file's SHA-256 is checked on joining.
import { createHash } from 'node:crypto';
import type { CatalogFileReference } from '../../domain/catalog-file/events.js';
import { TetherError } from '../../domain/errors.js';

export const catalogChunkBytes = 512 * 1024;

export interface CatalogFileChunks {
  readonly reference: CatalogFileReference;
  /** base64, in order. */
  readonly chunks: readonly string[];
}

const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

export function splitCatalogFile(text: string): CatalogFileChunks {
  const bytes = Buffer.from(text, 'utf8');
  const count = Math.max(1, Math.ceil(bytes.length / catalogChunkBytes));
  const chunks = Array.from({ length: count }, (_, index) => bytes.subarray(index * catalogChunkBytes, (index + 1) * catalogChunkBytes).toString('base64'));
  return { reference: { sha256: sha256Of(bytes), bytes: bytes.length, chunks: count }, chunks };
}

/** The file's text; corrupt_event when the chunks are not all there or are not the referenced bytes. */
export function joinCatalogFile(reference: CatalogFileReference, chunks: readonly string[]): string {
  if (chunks.length !== reference.chunks) {
    throw new TetherError('corrupt_event', `catalog file ${reference.sha256} has ${chunks.length} of its ${reference.chunks} chunks stored`);
  }
  const bytes = Buffer.concat(chunks.map((chunk) => Buffer.from(chunk, 'base64')));
  if (bytes.length !== reference.bytes || sha256Of(bytes) !== reference.sha256) {
    throw new TetherError('corrupt_event', `catalog file ${reference.sha256}: its stored chunks do not have that SHA-256`);
  }
  return bytes.toString('utf8');
}
