// Chooses the EventStore adapter: EventStoreDB for an esdb:// URL, else the embedded SQLite file.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TetherError } from '../domain/errors.js';
import type { EventStore } from '../domain/ports/event-store.js';
import { SqliteEventStore } from '../store/sqlite-event-store.js';

export type Fsync = 'normal' | 'full';

export interface EventStoreConfig {
  readonly dataDir: string;
  /** esdb://… or esdb+discover://…; absent: <dataDir>/events.db. */
  readonly eventStoreUrl?: string;
  readonly fsync?: Fsync;
  /** Tests only: the embedded store spaces its positions out (see SqliteEventStoreOptions). */
  readonly positionStride?: number;
}

export const eventLogFile = (dataDir: string): string => join(dataDir, 'events.db');

/** The EventStoreDB client (gRPC, protobuf) loads only when a URL asks for it: a quarter second off every embedded start. */
export async function openEventStore(config: EventStoreConfig): Promise<EventStore> {
  const url = config.eventStoreUrl;
  if (url !== undefined && url !== '') {
    if (!/^esdb(\+discover)?:\/\//.test(url)) {
      throw new TetherError('invalid_configuration', 'the event store URL must start with esdb:// or esdb+discover://', ['eventstore']);
    }
    const { EventStoreDbEventStore } = await import('../store/eventstoredb-event-store.js');
    return EventStoreDbEventStore.connect(url);
  }
  mkdirSync(config.dataDir, { recursive: true });
  return SqliteEventStore.open({
    file: eventLogFile(config.dataDir),
    fsync: config.fsync ?? 'normal',
    ...(config.positionStride === undefined ? {} : { positionStride: config.positionStride }),
  });
}

/** Where a store is, for logs: never the URL itself, which may hold a password. */
export const describeEventStore = (config: EventStoreConfig): string =>
  config.eventStoreUrl ? 'eventstoredb' : `sqlite:${eventLogFile(config.dataDir)}`;
