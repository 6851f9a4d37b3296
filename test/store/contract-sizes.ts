// The size every store takes in one append: EventStoreDB's default maximum (1 MiB), kept by
// every adapter so that an append that works on SQLite works on EventStoreDB too.
import { describe, expect, it } from 'vitest';
import type { EventStore } from '../../domain/ports/event-store.js';
import { StreamNotFound } from '../../domain/ports/event-store.js';
import { maxAppendBytes } from '../../store/event-validation.js';
import { failureOf, makeEvent, uniqueStream } from './event-store-fixtures.js';

export function sizeContract(store: () => EventStore): void {
  describe('append size', () => {
    it('refuses an event over 1 MiB with payload_too_large and writes nothing', async () => {
      const stream = uniqueStream();
      const error = await failureOf(() => store().append(stream, [makeEvent('TooLarge', { blob: 'x'.repeat(maxAppendBytes) })], 'no_stream'));
      expect(error).toMatchObject({ code: 'payload_too_large' });
      expect(await failureOf(() => store().readStream(stream))).toBeInstanceOf(StreamNotFound);
    });

    it('counts bytes, not characters: 400 Ki euro signs are 1.2 MiB', async () => {
      const stream = uniqueStream();
      const error = await failureOf(() => store().append(stream, [makeEvent('TooLarge', { blob: '€'.repeat(400 * 1024) })], 'no_stream'));
      expect(error).toMatchObject({ code: 'payload_too_large' });
    });

    it('refuses a batch over 1 MiB in all, though each event fits, and writes none of it', async () => {
      const stream = uniqueStream();
      const half = makeEvent('Half', { blob: 'x'.repeat(maxAppendBytes / 2) });
      const error = await failureOf(() => store().append(stream, [half, half], 'no_stream'));
      expect(error).toMatchObject({ code: 'payload_too_large' });
      expect(await failureOf(() => store().readStream(stream))).toBeInstanceOf(StreamNotFound);
      await store().append(stream, [half], 'no_stream');
      await store().append(stream, [half], 0);
      expect(await store().readStream(stream)).toHaveLength(2);
    });
  });
}
