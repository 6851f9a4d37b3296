// A burst of writes in one turn of the event loop leaves as one write once the turn ends, and
// the hold never outlasts the turn.
import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TurnCork } from '../../wire/turn-cork.js';

/** A writable that records each write it is asked to do, as the chunks it carried. */
function recordingWritable(): { stream: Writable; writes: string[][] } {
  const writes: string[][] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      writes.push([chunk.toString()]);
      callback();
    },
    writev(chunks, callback) {
      writes.push(chunks.map(({ chunk }) => String(chunk)));
      callback();
    },
  });
  return { stream, writes };
}

describe('TurnCork', () => {
  it('holds the writes of one turn and sends them together when it ends', async () => {
    const { stream, writes } = recordingWritable();
    const cork = new TurnCork(stream);
    for (const frame of ['a', 'b', 'c']) {
      cork.hold();
      stream.write(frame);
    }
    expect(writes).toEqual([]);
    expect(stream.writableLength).toBe(3);
    await nextTurn();
    expect(writes).toEqual([['a', 'b', 'c']]);
  });

  it('holds again in a later turn, and leaves writes made without a hold alone', async () => {
    const { stream, writes } = recordingWritable();
    const cork = new TurnCork(stream);
    cork.hold();
    stream.write('a');
    await nextTurn();
    stream.write('b');
    expect(writes).toEqual([['a'], ['b']]);
    cork.hold();
    stream.write('c');
    cork.hold();
    stream.write('d');
    await nextTurn();
    expect(writes).toEqual([['a'], ['b'], ['c', 'd']]);
  });
});
