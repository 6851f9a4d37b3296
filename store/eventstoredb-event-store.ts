// The EventStore port over an EventStoreDB cluster (@eventstore/db-client, gRPC). Every
// translation lives in the eventstoredb-* files beside it (positions, append requests, read
// requests, filter, recorded events, errors); this file only drives the client.
import { EventStoreDBClient } from '@eventstore/db-client';
import type { AllStreamResolvedEvent, StreamingRead } from '@eventstore/db-client';
import { TetherError } from '../domain/errors.js';
import { assertStreamName } from '../domain/stream-name.js';
import type {
  AllSubscription,
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
} from '../domain/ports/event-store.js';
import { beforeFirst, StreamNotFound, WrongExpectedVersion } from '../domain/ports/event-store.js';
import { assertValidAppend } from './event-validation.js';
import { fromAppendResult, meetsExpectedRevision, toAppendRequest } from './eventstoredb-append-request.js';
import { isTransient, toConfigurationError, translateError } from './eventstoredb-errors.js';
import { readsPast } from './eventstoredb-positions.js';
import {
  headPositionReadOptions,
  identityReadOptions,
  toIdentity,
  toLimit,
  toReadAllOptions,
  toReadStreamOptions,
  toSubscribeToAllOptions,
} from './eventstoredb-read-requests.js';
import { toRecordedEvent, toUserEvent } from './eventstoredb-recorded-event.js';
import { EventStoreDbSubscription } from './eventstoredb-subscription.js';

const appendAttempts = 3;
const appendRetryDelayMs = 100;

export class EventStoreDbEventStore implements EventStore {
  readonly #client: EventStoreDBClient;
  readonly #subscriptions = new Set<EventStoreDbSubscription>();
  readonly #starting = new Set<Promise<void>>();
  #closed = false;
  #identity: Promise<string> | undefined;
  #foreign = 0;
  readonly #countForeign = (): void => {
    this.#foreign += 1;
  };

  constructor(client: EventStoreDBClient) {
    this.#client = client;
  }

  /** `esdb://host:port?tls=false` or `esdb+discover://...`; connects lazily, on first use. */
  static connect(connectionString: string): EventStoreDbEventStore {
    try {
      return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString));
    } catch (error) {
      throw toConfigurationError(error);
    }
  }

  async append(stream: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    this.#assertOpen();
    assertValidAppend(stream, events);
    const request = toAppendRequest(events, expected);
    if (events.length === 0) return this.#appendNothing(stream, expected);
    // An append made after subscribeToAll('end') returned must reach that subscription.
    await Promise.all(this.#starting);
    // A call cut short may have been written: tried again with the same event ids and expected
    // revision, the server keeps one copy and answers as it did the first time.
    for (let attempt = 1; ; attempt += 1) {
      try {
        return fromAppendResult(await this.#client.appendToStream(stream, request.events, request.options));
      } catch (error) {
        if (attempt >= appendAttempts || !isTransient(error)) throw translateError(error, expected);
        await new Promise((resolve) => setTimeout(resolve, appendRetryDelayMs * 2 ** (attempt - 1)));
      }
    }
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.#assertOpen();
    assertStreamName(stream);
    const request = toReadStreamOptions(options);
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of this.#client.readStream(stream, request)) events.push(toRecordedEvent(resolved));
    } catch (error) {
      throw translateError(error);
    }
    return events.slice(0, toLimit(options.maxCount));
  }

  /** $all without system events; maxCount counts only the events returned. */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.#assertOpen();
    const limit = toLimit(options.maxCount);
    const events: RecordedEvent[] = [];
    if (limit <= 0) return events;
    await this.#scanAll(this.#client.readAll(toReadAllOptions(options)), (event) => {
      if (readsPast(event, options.after)) events.push(event);
      return events.length < limit;
    });
    return events;
  }

  /**
   * 'end' is where the server puts it once the subscription is established; until then this
   * store holds its appends back, so an append made after this call is always delivered.
   */
  subscribeToAll(options: SubscribeToAllOptions = {}): AllSubscription {
    this.#assertOpen();
    const subscription = new EventStoreDbSubscription(
      this.#client.subscribeToAll(toSubscribeToAllOptions(options)),
      options.filter,
      () => this.#subscriptions.delete(subscription),
      this.#countForeign,
    );
    this.#subscriptions.add(subscription);
    if (options.after === 'end') {
      const established = subscription.established;
      this.#starting.add(established);
      void established.then(() => this.#starting.delete(established));
    }
    return subscription;
  }

  async headPosition(): Promise<Position> {
    this.#assertOpen();
    let head = beforeFirst;
    await this.#scanAll(this.#client.readAll(headPositionReadOptions), (event) => {
      head = event.position;
      return false;
    });
    return head;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.close()));
    await this.#client.dispose();
  }

  /** The server's result for an empty append is not specified: check the revision here, write nothing. */
  async #appendNothing(stream: string, expected: ExpectedRevision): Promise<AppendResult> {
    let tip: RecordedEvent | undefined;
    try {
      [tip] = await this.readStream(stream, { direction: 'backwards', maxCount: 1 });
    } catch (error) {
      if (!(error instanceof StreamNotFound)) throw error;
    }
    const actual = tip?.revision ?? 'no_stream';
    if (!meetsExpectedRevision(expected, actual)) throw new WrongExpectedVersion(stream, expected, actual);
    return { nextRevision: tip?.revision ?? -1, position: tip?.position ?? beforeFirst };
  }

  /** Feeds each user event of a $all read to `take` until it returns false, then cancels the read. */
  async #scanAll(read: StreamingRead<AllStreamResolvedEvent>, take: (event: RecordedEvent) => boolean): Promise<void> {
    try {
      for await (const resolved of read) {
        const event = toUserEvent(resolved, undefined, this.#countForeign);
        if (event !== undefined && !take(event)) {
          await read.cancel();
          return;
        }
      }
    } catch (error) {
      throw translateError(error);
    }
  }

  async identity(): Promise<string> {
    this.#assertOpen();
    this.#identity ??= (async () => {
      try {
        for await (const resolved of this.#client.readAll(identityReadOptions)) return toIdentity(resolved);
        return toIdentity(undefined);
      } catch (error) {
        throw translateError(error);
      }
    })();
    const identity = this.#identity;
    // A failed read is not remembered: the next call asks again.
    identity.catch(() => {
      if (this.#identity === identity) this.#identity = undefined;
    });
    return identity;
  }

  /** Events another program wrote into the store, skipped by every read so far. */
  get foreignEventsSkipped(): number {
    return this.#foreign;
  }

  #assertOpen(): void {
    if (this.#closed) throw new TetherError('unavailable', 'the EventStoreDB event store is closed');
  }
}
