// The EventStoreDB adapter's translations, proven without a server: requests built from
// port arguments, results and the client's own error classes translated back.
import net from 'node:net';
import {
  ANY,
  BACKWARDS,
  END,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  CancelledError,
  DeadlineExceededError,
  StreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  convertToCommandError,
  eventTypeFilter,
  excludeSystemEvents,
  streamNameFilter,
} from '@eventstore/db-client';
import type { AllStreamResolvedEvent, AppendExpectedRevision, ResolvedEvent } from '@eventstore/db-client';
import { afterEach, describe, expect, it } from 'vitest';
import { TetherError } from '../../domain/errors.js';
import { beforeFirst, keptPosition, StreamNotFound, WrongExpectedVersion } from '../../domain/ports/event-store.js';
import type { ExpectedRevision, RecordedEvent } from '../../domain/ports/event-store.js';
import { EventStoreDbEventStore } from '../../store/eventstoredb-event-store.js';
import {
  fromAppendResult,
  fromExpectedRevision,
  headPositionReadOptions,
  identityReadOptions,
  isSystemEvent,
  matchesFilter,
  meetsExpectedRevision,
  readsPast,
  eventIdOf,
  toAppendRequest,
  toConfigurationError,
  toExpectedRevision,
  toIdentity,
  toLimit,
  toPosition,
  toReadAllOptions,
  toReadStreamOptions,
  toRecordedEvent,
  toServerFilter,
  toSubscribeToAllOptions,
  toUserEvent,
  translateError,
} from '../../store/eventstoredb-mapping.js';
import { maxAppendBytes } from '../../store/event-validation.js';
import { failureOf, makeEvent, SubscriptionReader } from './event-store-fixtures.js';

const metadata = makeEvent('Any').metadata;

const resolvedAt = (
  overrides: { streamId?: string; type?: string; data?: unknown; metadata?: unknown; position?: bigint } = {},
): AllStreamResolvedEvent => {
  const position = overrides.position ?? 4242n;
  return {
    event: {
      streamId: overrides.streamId ?? 'tenant-1',
      id: '6c5d5ab6-33a1-4a7a-9f4e-1f2a7d1a3b0c',
      isJson: true,
      revision: 7n,
      type: overrides.type ?? 'TenantCreated',
      created: new Date(0),
      data: ('data' in overrides ? overrides.data : { name: 'acme' }) as Record<string, unknown>,
      metadata: ('metadata' in overrides ? overrides.metadata : metadata) as Record<string, unknown> | undefined,
      position: { commit: position, prepare: position },
    },
    commitPosition: position,
  };
};

/** A gRPC failure as the server sends it: the error kind and details in the trailers. */
const serverError = (trailers: Record<string, string>): Error =>
  Object.assign(new Error('9 FAILED_PRECONDITION: server said no'), {
    code: 9,
    details: 'server said no',
    metadata: { getMap: () => trailers },
  });

describe('expected revision', () => {
  const cases: Array<[ExpectedRevision, unknown]> = [
    ['any', ANY],
    ['no_stream', NO_STREAM],
    ['stream_exists', STREAM_EXISTS],
    [0, 0n],
    [41, 41n],
    [Number.MAX_SAFE_INTEGER, BigInt(Number.MAX_SAFE_INTEGER)],
  ];
  it.each(cases)('maps %j to the client value %s and back', (port, client) => {
    expect(toExpectedRevision(port)).toBe(client);
    expect(fromExpectedRevision(toExpectedRevision(port))).toBe(port);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses the revision %s before any I/O', (revision) => {
    expect(() => toExpectedRevision(revision)).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });

  it('is met exactly as the server decides', () => {
    expect(meetsExpectedRevision('any', 'no_stream')).toBe(true);
    expect(meetsExpectedRevision('any', 3)).toBe(true);
    expect(meetsExpectedRevision('no_stream', 'no_stream')).toBe(true);
    expect(meetsExpectedRevision('no_stream', 0)).toBe(false);
    expect(meetsExpectedRevision('stream_exists', 0)).toBe(true);
    expect(meetsExpectedRevision('stream_exists', 'no_stream')).toBe(false);
    expect(meetsExpectedRevision(2, 2)).toBe(true);
    expect(meetsExpectedRevision(2, 3)).toBe(false);
    expect(meetsExpectedRevision(0, 'no_stream')).toBe(false);
  });
});

describe('append', () => {
  it('sends each event as a JSON event with its own id, and the expected revision', () => {
    const events = [makeEvent('TenantCreated', { name: 'acme' }), makeEvent('TenantRenamed', { name: 'acme2' })];
    const request = toAppendRequest(events, 3);
    expect(request.options).toEqual({ expectedRevision: 3n, requiresLeader: true });
    expect(request.events).toEqual(
      events.map((event) => ({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        contentType: 'application/json',
        type: event.type,
        data: event.data,
        metadata: event.metadata,
      })),
    );
    expect(new Set(request.events.map((event) => event.id)).size).toBe(2);
    expect(toAppendRequest(events, 'no_stream').options).toEqual({ expectedRevision: NO_STREAM, requiresLeader: true });
  });

  it('derives each id from the event hash, so a retried append sends the same ids', () => {
    const hashed = (hash: string) => ({ ...makeEvent('TenantCreated'), metadata: { ...makeEvent('TenantCreated').metadata, hash } });
    const first = toAppendRequest([hashed('a'.repeat(64)), hashed('b'.repeat(64))], 'any').events.map((event) => event.id);
    const again = toAppendRequest([hashed('a'.repeat(64)), hashed('b'.repeat(64))], 'any').events.map((event) => event.id);
    expect(again).toEqual(first);
    expect(new Set(first).size).toBe(2);
    for (const id of first) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(eventIdOf('')).not.toBe(eventIdOf(''));
  });

  it('refuses an append larger than the server takes, before sending it', () => {
    const big = makeEvent('CatalogImported', { document: 'x'.repeat(maxAppendBytes) });
    expect(() => toAppendRequest([big], 'any')).toThrow(expect.objectContaining({ code: 'payload_too_large' }));
    const halves = [makeEvent('Half', { blob: 'x'.repeat(maxAppendBytes / 2) }), makeEvent('Half', { blob: 'x'.repeat(maxAppendBytes / 2) })];
    expect(() => toAppendRequest(halves, 'any')).toThrow(expect.objectContaining({ code: 'payload_too_large' }));
    expect(toAppendRequest([makeEvent('Fits', { blob: 'x'.repeat(maxAppendBytes - 2048) })], 'any').events).toHaveLength(1);
  });

  it('reports the next revision and the commit position of the last event', () => {
    expect(
      fromAppendResult({ success: true, nextExpectedRevision: 4n, position: { commit: 9_000_123n, prepare: 9_000_123n } }),
    ).toEqual({ nextRevision: 4, position: 9_000_123 });
    expect(fromAppendResult({ success: true, nextExpectedRevision: 0n })).toEqual({ nextRevision: 0, position: -1 });
  });
});

describe('errors from the client', () => {
  it('turns WrongExpectedVersionError into WrongExpectedVersion with the actual revision', () => {
    const error = translateError(
      new WrongExpectedVersionError(undefined, { streamName: 'tenant-1', expected: 3n, current: 5n }),
    );
    expect(error).toBeInstanceOf(WrongExpectedVersion);
    expect(error).toMatchObject({ code: 'wrong_expected_version', stream: 'tenant-1', expected: 3, actual: 5 });
  });

  it("reports the caller's expected revision when given, whatever the server echoed", () => {
    const echoedAny = new WrongExpectedVersionError(undefined, { streamName: 'tenant-5', expected: ANY, current: 2n });
    expect(translateError(echoedAny, 1)).toMatchObject({ stream: 'tenant-5', expected: 1, actual: 2 });
    expect(translateError(echoedAny)).toMatchObject({ expected: 'any', actual: 2 });
  });

  it.each<[AppendExpectedRevision, ExpectedRevision]>([
    [NO_STREAM, 'no_stream'],
    [STREAM_EXISTS, 'stream_exists'],
    [ANY, 'any'],
    [0n, 0],
  ])("reports a missing stream as actual 'no_stream' (expected %s)", (expected, port) => {
    const error = translateError(
      new WrongExpectedVersionError(undefined, {
        streamName: 'tenant-2',
        expected,
        current: NO_STREAM,
      }),
    );
    expect(error).toBeInstanceOf(WrongExpectedVersion);
    expect(error).toMatchObject({ stream: 'tenant-2', expected: port, actual: 'no_stream' });
  });

  it('translates the wrong-expected-version trailers the server sends', () => {
    const withActual = convertToCommandError(
      serverError({
        exception: 'wrong-expected-version',
        'stream-name': 'device-aabbccddeeff',
        'expected-version': '1',
        'actual-version': '2',
      }),
    );
    expect(withActual).toBeInstanceOf(WrongExpectedVersionError);
    expect(translateError(withActual)).toMatchObject({ stream: 'device-aabbccddeeff', expected: 1, actual: 2 });
    const withoutActual = convertToCommandError(
      serverError({ exception: 'wrong-expected-version', 'stream-name': 'device-1', 'expected-version': '0' }),
    );
    expect(translateError(withoutActual)).toMatchObject({ stream: 'device-1', expected: 0, actual: 'no_stream' });
  });

  it('turns StreamNotFoundError into StreamNotFound, whatever form the name takes', () => {
    const byName = translateError(new StreamNotFoundError(undefined, 'tenant-9'));
    expect(byName).toBeInstanceOf(StreamNotFound);
    expect(byName).toMatchObject({ code: 'stream_not_found', stream: 'tenant-9' });
    const byBytes = translateError(new StreamNotFoundError(undefined, new TextEncoder().encode('tenant-é')));
    expect(byBytes).toMatchObject({ stream: 'tenant-é' });
    const fromServer = convertToCommandError(serverError({ exception: 'stream-not-found', 'stream-name': 'tenant-3' }));
    expect(translateError(fromServer)).toMatchObject({ code: 'stream_not_found', stream: 'tenant-3' });
  });

  it('calls the server unavailable when it cannot be reached, is not the leader, or cancelled or timed out a call', () => {
    const transient = [
      new UnavailableError(undefined, 'no connection'),
      convertToCommandError(Object.assign(serverError({ exception: 'not-leader', 'leader-endpoint-host': 'node-2', 'leader-endpoint-port': '2113' }), { code: 5 })),
      Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 }),
      new CancelledError(undefined, 'cancelled'),
      new DeadlineExceededError(undefined, 'deadline'),
    ];
    for (const error of transient) {
      const translated = translateError(error);
      expect(translated).toBeInstanceOf(TetherError);
      expect(translated).toMatchObject({ code: 'unavailable', message: expect.stringContaining(error.message) as string });
    }
  });

  it('passes every other error through unchanged', () => {
    const others = [
      StreamDeletedError.fromStreamName('tenant-4'),
      new Error('socket hang up'),
      new TetherError('invalid_event', 'bad'),
      'a string',
    ];
    for (const error of others) expect(translateError(error)).toBe(error);
  });
});

describe('readStream requests', () => {
  it('defaults to the whole stream, from the start forwards or from the end backwards', () => {
    expect(toReadStreamOptions()).toEqual({ direction: FORWARDS, fromRevision: START, resolveLinkTos: false, requiresLeader: true });
    expect(toReadStreamOptions({ direction: 'forwards' })).toEqual(toReadStreamOptions());
    expect(toReadStreamOptions({ direction: 'backwards' })).toEqual({
      direction: BACKWARDS,
      fromRevision: END,
      resolveLinkTos: false,
      requiresLeader: true,
    });
  });

  it.each([
    [{ fromRevision: 'start' as const }, FORWARDS, START],
    [{ fromRevision: 'end' as const }, FORWARDS, END],
    [{ fromRevision: 3 }, FORWARDS, 3n],
    [{ fromRevision: 0, direction: 'backwards' as const }, BACKWARDS, 0n],
    [{ fromRevision: 'start' as const, direction: 'backwards' as const }, BACKWARDS, START],
    [{ fromRevision: 'end' as const, direction: 'backwards' as const }, BACKWARDS, END],
  ])('maps %j', (options, direction, fromRevision) => {
    expect(toReadStreamOptions(options)).toEqual({ direction, fromRevision, resolveLinkTos: false, requiresLeader: true });
  });

  it('sends maxCount, and asks for one event when it is 0 so a missing stream is still reported', () => {
    expect(toReadStreamOptions({ maxCount: 5, fromRevision: 2 })).toMatchObject({ maxCount: 5, fromRevision: 2n });
    expect(toReadStreamOptions({ maxCount: 0 })).toMatchObject({ maxCount: 1 });
    expect(toLimit(0)).toBe(0);
    expect(toLimit(undefined)).toBe(Number.POSITIVE_INFINITY);
  });

  it.each([{ fromRevision: -1 }, { fromRevision: 0.5 }, { maxCount: -1 }, { maxCount: 2.5 }])(
    'refuses %j',
    (options) => {
      expect(() => toReadStreamOptions(options)).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    },
  );
});

describe('$all requests', () => {
  it('uses the commit position for both parts of a position', () => {
    expect(toPosition(0)).toEqual({ commit: 0n, prepare: 0n });
    expect(toPosition(123_456_789)).toEqual({ commit: 123_456_789n, prepare: 123_456_789n });
  });

  it('reads forwards from the position itself (the server is inclusive), sends no count, and beforeFirst means the start', () => {
    const base = { direction: FORWARDS, resolveLinkTos: false };
    expect(toReadAllOptions()).toEqual({ ...base, fromPosition: START });
    expect(toReadAllOptions({ maxCount: 10 })).toEqual({ ...base, fromPosition: START });
    expect(toReadAllOptions({ after: keptPosition(1024) })).toEqual({ ...base, fromPosition: { commit: 1024n, prepare: 1024n } });
    expect(toReadAllOptions({ after: beforeFirst })).toEqual({ ...base, fromPosition: START });
    expect(() => toReadAllOptions({ after: keptPosition(1.5) })).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });

  it('keeps only the events past an exclusive position from such a read', () => {
    const at = (position: number): RecordedEvent => ({ stream: 's-1', revision: 0, position: keptPosition(position), type: 'T', data: {}, metadata: makeEvent('T').metadata });
    expect(readsPast(at(1024), keptPosition(1024))).toBe(false);
    expect(readsPast(at(1100), keptPosition(1024))).toBe(true);
    expect(readsPast(at(0), undefined)).toBe(true);
    expect(readsPast(at(0), beforeFirst)).toBe(true);
  });

  it('names the database by the id of its first event, read forwards from the start', () => {
    expect(identityReadOptions).toEqual({ direction: FORWARDS, fromPosition: START, maxCount: 1, resolveLinkTos: false });
    expect(toIdentity(resolvedAt())).toBe('eventstoredb:6c5d5ab6-33a1-4a7a-9f4e-1f2a7d1a3b0c');
    expect(() => toIdentity(undefined)).toThrow(expect.objectContaining({ code: 'unavailable' }));
  });

  it('finds the head by reading backwards from the end', () => {
    expect(headPositionReadOptions).toEqual({ direction: BACKWARDS, fromPosition: END, resolveLinkTos: false });
  });

  it('subscribes after a position (exclusive), from the start or from the end', () => {
    expect(toSubscribeToAllOptions()).toMatchObject({ fromPosition: START, resolveLinkTos: false });
    expect(toSubscribeToAllOptions({})).toMatchObject({ fromPosition: START });
    expect(toSubscribeToAllOptions({ after: 'end' })).toMatchObject({ fromPosition: END });
    expect(toSubscribeToAllOptions({ after: keptPosition(77) })).toMatchObject({ fromPosition: { commit: 77n, prepare: 77n } });
    expect(toSubscribeToAllOptions({ after: beforeFirst })).toMatchObject({ fromPosition: START });
  });
});

describe('filters', () => {
  it('always filters on the server: system events out, else one prefix filter', () => {
    expect(toServerFilter()).toEqual(excludeSystemEvents());
    expect(toServerFilter({ streamPrefixes: [], eventTypes: [] })).toEqual(excludeSystemEvents());
    expect(toServerFilter({ streamPrefixes: ['tenant-', 'device-'] })).toEqual(
      streamNameFilter({ prefixes: ['tenant-', 'device-'] }),
    );
    expect(toServerFilter({ eventTypes: ['TenantCreated'] })).toEqual(eventTypeFilter({ prefixes: ['TenantCreated'] }));
    expect(toServerFilter({ streamPrefixes: ['tenant-'], eventTypes: ['TenantCreated'] })).toEqual(
      streamNameFilter({ prefixes: ['tenant-'] }),
    );
    expect(toSubscribeToAllOptions({ filter: { eventTypes: ['A'] } }).filter).toEqual(eventTypeFilter({ prefixes: ['A'] }));
  });

  it('the excluding regex the server gets drops exactly the $ types', () => {
    const filter = excludeSystemEvents();
    const regex = new RegExp('regex' in filter ? filter.regex : 'missing regex');
    expect(filter.filterOn).toBe('eventType');
    expect(['$>', '$metadata', '$statsCollected'].some((type) => regex.test(type))).toBe(false);
    expect(regex.test('TenantCreated')).toBe(true);
  });

  it('recognises system streams and system event types', () => {
    expect(isSystemEvent('$all', 'X')).toBe(true);
    expect(isSystemEvent('$$tenant-1', '$metadata')).toBe(true);
    expect(isSystemEvent('$ce-tenant', '$>')).toBe(true);
    expect(isSystemEvent('tenant-1', '$>')).toBe(true);
    expect(isSystemEvent('tenant-1', 'TenantCreated')).toBe(false);
  });

  it('checks the client side exactly: types are whole names, prefixes are prefixes, both must hold', () => {
    const at = (stream: string, type: string) => ({ stream, type });
    expect(matchesFilter(at('tenant-1', 'TenantCreated'))).toBe(true);
    expect(matchesFilter(at('$stats-1', 'Collected'))).toBe(false);
    expect(matchesFilter(at('tenant-1', '$>'), { streamPrefixes: ['tenant-'] })).toBe(false);
    expect(matchesFilter(at('tenant-1', 'X'), { streamPrefixes: ['device-', 'tenant-'] })).toBe(true);
    expect(matchesFilter(at('tenantx-1', 'X'), { streamPrefixes: ['tenant-'] })).toBe(false);
    expect(matchesFilter(at('tenant-1', 'TenantCreated'), { eventTypes: ['TenantCreated'] })).toBe(true);
    expect(matchesFilter(at('tenant-1', 'TenantCreatedTwice'), { eventTypes: ['TenantCreated'] })).toBe(false);
    const both = { streamPrefixes: ['tenant-'], eventTypes: ['TenantCreated'] };
    expect(matchesFilter(at('tenant-1', 'TenantCreated'), both)).toBe(true);
    expect(matchesFilter(at('device-1', 'TenantCreated'), both)).toBe(false);
    expect(matchesFilter(at('tenant-1', 'TenantRenamed'), both)).toBe(false);
    expect(matchesFilter(at('tenant-1', 'X'), { streamPrefixes: [], eventTypes: [] })).toBe(true);
  });
});

describe('resolved events', () => {
  it('become RecordedEvents with numbers for revision and commit position', () => {
    expect(toRecordedEvent(resolvedAt({ position: 9_007_199_254_740_991n }))).toEqual({
      stream: 'tenant-1',
      revision: 7,
      position: Number.MAX_SAFE_INTEGER,
      type: 'TenantCreated',
      data: { name: 'acme' },
      metadata,
    });
  });

  it('take the position of a stream read from the event, or else from the resolved event', () => {
    const fromStream: ResolvedEvent = { ...resolvedAt(), commitPosition: undefined };
    expect(toRecordedEvent(fromStream).position).toBe(4242);
    const { event } = resolvedAt();
    if (event === undefined) throw new Error('fixture without event');
    const onlyCommit: ResolvedEvent = { event: { ...event, position: undefined }, commitPosition: 17n };
    expect(toRecordedEvent(onlyCommit).position).toBe(17);
    const none: ResolvedEvent = { event: { ...event, position: undefined } };
    expect(() => toRecordedEvent(none)).toThrow(expect.objectContaining({ code: 'invalid_configuration' }));
    const unreported = 2n ** 64n - 1n;
    const oldServer: ResolvedEvent = { event: { ...event, position: { commit: unreported, prepare: unreported } } };
    expect(() => toRecordedEvent(oldServer)).toThrow(expect.objectContaining({ code: 'invalid_configuration' }));
    expect(toRecordedEvent({ ...oldServer, commitPosition: 99n }).position).toBe(99);
  });

  it.each<[string, Parameters<typeof resolvedAt>[0]]>([
    ['data that is a string', { data: 'text' }],
    ['data that is an array', { data: [1] }],
    ['binary data', { data: new Uint8Array([1]) }],
    ['no metadata', { metadata: undefined }],
    ['metadata without an actor', { metadata: { ...metadata, actor: undefined } }],
  ])('fail loudly as corrupt_event for %s', (_, overrides) => {
    expect(() => toRecordedEvent(resolvedAt(overrides))).toThrow(expect.objectContaining({ code: 'corrupt_event' }));
  });

  it('are skipped when they are system events, unresolved links or outside the filter, before decoding', () => {
    expect(toUserEvent(resolvedAt())).toMatchObject({ stream: 'tenant-1', revision: 7 });
    expect(toUserEvent(resolvedAt({ streamId: '$stats-127.0.0.1:2113', data: 'not ours' }))).toBeUndefined();
    expect(toUserEvent(resolvedAt({ type: '$metadata', metadata: {} }))).toBeUndefined();
    expect(toUserEvent({ commitPosition: 5n })).toBeUndefined();
    const broken = resolvedAt({ streamId: 'orders-1', data: 'not ours' });
    expect(toUserEvent(broken, { streamPrefixes: ['tenant-'] })).toBeUndefined();
    expect(() => toUserEvent(broken)).toThrow(expect.objectContaining({ code: 'corrupt_event' }));
  });

  it('are skipped and counted, never fatal, when another program wrote them (no Tether metadata)', () => {
    let counted = 0;
    const count = (): void => {
      counted += 1;
    };
    for (const metadata of [undefined, { source: 'billing' }, new Uint8Array([1])]) {
      expect(toUserEvent(resolvedAt({ streamId: 'orders-1', type: 'OrderPlaced', data: { id: 1 }, metadata }), undefined, count)).toBeUndefined();
    }
    expect(counted).toBe(3);
    expect(() => toUserEvent(resolvedAt({ metadata: { hash: 'h' } }), undefined, count)).toThrow(expect.objectContaining({ code: 'corrupt_event' }));
  });
});

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
