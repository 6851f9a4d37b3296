// A writer process killed with SIGKILL mid-stream: every append it acknowledged must be in
// the file exactly once, and no batch may be half there.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { SqliteEventStore } from '../../store/sqlite-event-store.js';
import type { ChildAck } from './sqlite-child.js';
import type { BuiltChild } from './sqlite-child-build.js';
import { buildChildScript } from './sqlite-child-build.js';

const acksBeforeKill = 400;
const writers = 8;

/** Runs the hammer child until it has acknowledged `acksBeforeKill` appends, then kills it. */
async function hammerThenKill(script: string, file: string, fsync: 'normal' | 'full'): Promise<ChildAck[]> {
  const child = spawn(process.execPath, [script, 'hammer', file, String(writers), fsync], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_, signal) => resolve(signal)));
  const acks: ChildAck[] = [];
  // readline yields complete lines only: a line cut by the kill was never acknowledged.
  for await (const line of createInterface({ input: child.stdout })) {
    acks.push(JSON.parse(line) as ChildAck);
    if (acks.length === acksBeforeKill) child.kill('SIGKILL');
  }
  const signal = await exited;
  if (signal !== 'SIGKILL') throw new Error(`hammer child ended by itself (${String(signal)}):\n${stderr}`);
  return acks;
}

interface Hammered {
  readonly batch: number;
  readonly index: number;
  readonly size: number;
}

const hammered = (event: RecordedEvent): Hammered => event.data as unknown as Hammered;

/** A stream must read as whole batches 0, 1, 2, ... each holding events 0..size-1. */
function expectWholeBatches(events: readonly RecordedEvent[]): void {
  let expectedBatch = 0;
  let index = 0;
  for (const event of events) {
    const data = hammered(event);
    expect({ batch: data.batch, index: data.index }).toEqual({ batch: expectedBatch, index });
    index++;
    if (index === data.size) {
      expectedBatch++;
      index = 0;
    }
  }
  expect(index).toBe(0);
}

describe('SqliteEventStore durability', () => {
  let child: BuiltChild | undefined;
  const dirs: string[] = [];
  beforeAll(() => {
    child = buildChildScript();
  });
  afterAll(() => {
    child?.cleanup();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it.each(['normal', 'full'] as const)('keeps every acknowledged append of a writer killed with -9 (fsync %s)', async (fsync) => {
    if (child === undefined) throw new Error('child script not built');
    const dir = mkdtempSync(join(tmpdir(), 'tether-durability-'));
    dirs.push(dir);
    const file = join(dir, 'events.db');
    const acks = await hammerThenKill(child.script, file, fsync);
    expect(acks.length).toBeGreaterThanOrEqual(acksBeforeKill);

    const raw = new Database(file);
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();

    const store = SqliteEventStore.open({ file });
    try {
      const streams = new Map<string, RecordedEvent[]>();
      for (const stream of new Set(acks.map((ack) => ack.stream))) streams.set(stream, await store.readStream(stream));
      expect(streams.size).toBe(writers);
      for (const ack of acks) {
        const events = streams.get(ack.stream) ?? [];
        const batch = events.slice(ack.nextRevision - ack.size + 1, ack.nextRevision + 1);
        expect(batch.map((event) => hammered(event).index)).toEqual(Array.from({ length: ack.size }, (_, i) => i));
        expect(batch[batch.length - 1]).toMatchObject({ revision: ack.nextRevision, position: ack.position });
      }
      for (const events of streams.values()) expectWholeBatches(events);
      const all = await store.readAll();
      expect(new Set(all.map((event) => event.position)).size).toBe(all.length);
      expect(all.length).toBe([...streams.values()].reduce((sum, events) => sum + events.length, 0));
    } finally {
      await store.close();
    }
  });
});
