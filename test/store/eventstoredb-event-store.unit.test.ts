// The EventStoreDB adapter without a server: its connection string, validation before any I/O,
// an unreachable server, and subscriptions ended by close.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TetherError } from '../../domain/errors.js';
import { EventStoreDbEventStore } from '../../store/eventstoredb-event-store.js';
import { toConfigurationError } from '../../store/eventstoredb-errors.js';
import { failureOf, makeEvent, SubscriptionReader } from './event-store-fixtures.js';

describe('EventStoreDbEventStore.connect', () => {
  it.each(['', 'http://localhost:2113', 'esdb://', 'esdb://localhost:notaport', 'esdb://localhost:2113?tls=maybe'])(
    'refuses the connection string %j with invalid_configuration',
    (connectionString) => {
      let error: unknown;
      try {
        EventStoreDbEventStore.connect(connectionString);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(TetherError);
      expect(error).toMatchObject({ code: 'invalid_configuration', details: ['connectionString'] });
      expect((error as TetherError).message).toMatch(/^invalid EventStoreDB connection string/);
    },
  );

  it('never repeats a password from the connection string', () => {
    let error: unknown;
    try {
      EventStoreDbEventStore.connect('esdb://admin:s3cret-pw@localhost:2113?tls=s3cret-pw');
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'invalid_configuration' });
    expect(JSON.stringify(error)).not.toContain('s3cret');
    expect((error as Error).message).not.toContain('s3cret');
    expect(toConfigurationError('odd').message).toContain('unknown error');
    const quoted = toConfigurationError(new Error('Unexpected "pw"with" at position 7, expected true or false.'));
    expect(quoted.message).toMatch(/: unexpected input at position 7, expected true or false\.$/);
  });

  it.each(['esdb://127.0.0.1:2113?tls=false', 'esdb+discover://a.example:2113,b.example:2113?tls=false'])(
    'accepts %j without connecting until first use',
    async (connectionString) => {
      const store = EventStoreDbEventStore.connect(connectionString);
      await store.close();
      expect(await failureOf(() => store.readAll())).toMatchObject({ code: 'unavailable' });
    },
  );
});

describe('EventStoreDbEventStore without a reachable server', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A TCP port that accepts connections and never answers: gRPC calls stay pending. */
  const silentServer = async (): Promise<number> => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    return address.port;
  };

  /** A port nothing listens on: gRPC calls fail at once. */
  const closedPort = async (): Promise<number> => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    return address.port;
  };

  const storeAt = (port: number): EventStoreDbEventStore => {
    const store = EventStoreDbEventStore.connect(`esdb://127.0.0.1:${port}?tls=false`);
    cleanups.push(() => store.close());
    return store;
  };

  it('validates an append before any I/O', async () => {
    const store = storeAt(await closedPort());
    expect(await failureOf(() => store.append('Not A Stream', [makeEvent('Fine')], 'any'))).toMatchObject({
      code: 'invalid_stream_name',
    });
    expect(await failureOf(() => store.append('tenant-1', [makeEvent('bad type')], 'any'))).toMatchObject({
      code: 'invalid_event',
    });
    expect(await failureOf(() => store.append('tenant-1', [makeEvent('Fine')], -1))).toMatchObject({
      code: 'validation_failed',
    });
    expect(await failureOf(() => store.readStream('$all'))).toMatchObject({ code: 'invalid_stream_name' });
  });

  it('reports a server it cannot reach as unavailable, giving the reason the client gave', async () => {
    const store = storeAt(await closedPort());
    for (const operation of [
      () => store.append('tenant-1', [makeEvent('Fine')], 'any'),
      () => store.readStream('tenant-1'),
      () => store.readAll(),
      () => store.headPosition(),
    ]) {
      const error = await failureOf(operation);
      expect(error).toMatchObject({ code: 'unavailable' });
      expect(String(error)).toMatch(/UNAVAILABLE/);
    }
  });

  it('ends a pending subscription read, without an error, when the subscription is closed', async () => {
    const store = storeAt(await silentServer());
    const subscription = store.subscribeToAll({ after: 'end' });
    const reader = new SubscriptionReader(subscription);
    expect(await reader.next(100)).toBe('timeout');
    await subscription.close();
    expect(await reader.next(5000)).toBe('done');
  });

  it('ends open subscriptions when the store is closed, and refuses calls afterwards', async () => {
    const store = storeAt(await silentServer());
    const reader = new SubscriptionReader(store.subscribeToAll({ filter: { streamPrefixes: ['tenant-'] } }));
    const pending = reader.next(5000);
    await store.close();
    expect(await pending).toBe('done');
    expect(await failureOf(() => store.append('tenant-1', [makeEvent('Late')], 'any'))).toMatchObject({
      code: 'unavailable',
    });
    expect(() => store.subscribeToAll()).toThrow(expect.objectContaining({ code: 'unavailable' }));
  });

  it('surfaces a subscription failure that happened before anyone read, and does not hold appends back', async () => {
    const store = storeAt(await closedPort());
    const subscription = store.subscribeToAll({ after: 'end' });
    expect(String(await failureOf(() => store.append('tenant-1', [makeEvent('Fine')], 'any')))).toMatch(/UNAVAILABLE/);
    const reader = new SubscriptionReader(subscription);
    const failure = await failureOf(() => reader.next(5000));
    expect(String(failure)).toMatch(/UNAVAILABLE/);
  });
});
