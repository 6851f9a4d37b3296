import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openEventStore } from '../../api/event-store-factory.js';
import { isTetherError } from '../../domain/errors.js';
import { EventStoreDbEventStore } from '../../store/eventstoredb-event-store.js';
import { SqliteEventStore } from '../../store/sqlite-event-store.js';

describe('event store selection', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const dataDir = (): string => {
    const dir = join(mkdtempSync(join(tmpdir(), 'tether-store-')), 'data');
    dirs.push(dir);
    return dir;
  };

  it('opens <data>/events.db by default, creating the directory', async () => {
    const dir = dataDir();
    const store = await openEventStore({ dataDir: dir });
    expect(store).toBeInstanceOf(SqliteEventStore);
    expect(existsSync(join(dir, 'events.db'))).toBe(true);
    await store.close();
  });

  it('connects to EventStoreDB for an esdb:// URL (lazily: no server is needed to choose it)', async () => {
    const store = await openEventStore({ dataDir: dataDir(), eventStoreUrl: 'esdb://127.0.0.1:1?tls=false' });
    expect(store).toBeInstanceOf(EventStoreDbEventStore);
    await store.close();
  });

  it('refuses any other URL as a configuration error', async () => {
    const failure: unknown = await openEventStore({ dataDir: dataDir(), eventStoreUrl: 'postgres://localhost/tether' }).catch((error: unknown) => error);
    expect(isTetherError(failure, 'invalid_configuration')).toBe(true);
  });
});
