// A firmware.json of a given size in the seed's format, and what each stored event weighs.
import type { RecordedEvent } from '../../domain/ports/event-store.js';

/** Compact JSON of about `bytes` bytes (never more), with non-ASCII text so bytes and characters differ. */
export function firmwareFileOf(bytes: number): string {
  const versions: object[] = [];
  const devices = [{ id: 'IP232', versions: ['v0', 'v1'] }];
  let size = Buffer.byteLength(JSON.stringify({ devices, versions }));
  for (let index = 0; ; index += 1) {
    const version = { id: `v${index}`, build: String(100_000 + index), text: `${index} Versionshinweise: Fehler behoben, 漢字 ✓ `.repeat(3), wiki: `https://wiki.example/v${index}` };
    const more = Buffer.byteLength(JSON.stringify(version)) + 1;
    if (size + more > bytes) break;
    versions.push(version);
    size += more;
  }
  return JSON.stringify({ devices, versions });
}

/** An event as a store holds it: type, data and metadata as JSON, in UTF-8 bytes. */
export const storedBytes = (event: RecordedEvent): number =>
  Buffer.byteLength(event.type) + Buffer.byteLength(JSON.stringify(event.data)) + Buffer.byteLength(JSON.stringify(event.metadata));
