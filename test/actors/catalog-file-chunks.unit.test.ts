// A catalog file in chunks of at most 1 MiB each once in an event, joined only when every chunk
// is there and the whole has the referenced SHA-256.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { catalogChunkBytes, joinCatalogFile, splitCatalogFile } from '../../actors/catalog/catalog-file-chunks.js';
import { maxAppendBytes } from '../../store/event-validation.js';
import { firmwareFileOf } from '../api/catalog-file-fixture.js';

describe('catalog file chunks', () => {
  const text = firmwareFileOf(4 * 1024 * 1024);

  it('cuts a 4 MiB file into chunks well under 1 MiB, referenced by the hash of its bytes, and joins them back exactly', () => {
    const { reference, chunks } = splitCatalogFile(text);
    expect(reference).toEqual({ sha256: createHash('sha256').update(text).digest('hex'), bytes: Buffer.byteLength(text), chunks: Math.ceil(Buffer.byteLength(text) / catalogChunkBytes) });
    expect(chunks).toHaveLength(reference.chunks);
    expect(Math.max(...chunks.map((chunk) => chunk.length))).toBeLessThan(maxAppendBytes - 64 * 1024);
    expect(joinCatalogFile(reference, chunks)).toBe(text);
  });

  it('refuses a file with a chunk missing or altered', () => {
    const { reference, chunks } = splitCatalogFile(text);
    expect(() => joinCatalogFile(reference, chunks.slice(0, -1))).toThrow(expect.objectContaining({ code: 'corrupt_event' }));
    const altered = Buffer.from(chunks[1] ?? '', 'base64');
    altered[10] = (altered[10] ?? 0) ^ 1;
    expect(() => joinCatalogFile(reference, [chunks[0] ?? '', altered.toString('base64'), ...chunks.slice(2)])).toThrow(expect.objectContaining({ code: 'corrupt_event' }));
  });

  it('keeps a small file in one chunk', () => {
    const { reference, chunks } = splitCatalogFile('{"apps":[]}');
    expect(reference.chunks).toBe(1);
    expect(joinCatalogFile(reference, chunks)).toBe('{"apps":[]}');
  });
});
