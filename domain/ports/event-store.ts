// The EventStore port. Revisions and positions mean what EventStoreDB means:
// a stream revision is the 0-based index of an event in its stream; a position orders
// every event of the store ($all). Numbers stay exact up to 2^53, far past any log here.
// A position is opaque: on EventStoreDB it is a byte offset in the transaction log, so the
// number after an event's position is no event's. Reads and subscriptions start *after* a
// position some event has; nothing adds to one (the Position brand keeps sums out of them).
import type { EventMetadata } from '../event-metadata.js';
import { TetherError } from '../errors.js';

export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

declare const positionBrand: unique symbol;
/** A place in the global log: ordered, compared, never computed. */
export type Position = number & { readonly [positionBrand]: true };

/** Before the first event: what the head is of an empty store, and where a reader starts. */
export const beforeFirst = -1 as Position;

/**
 * A position the store gave out earlier and that was kept as a number (a checkpoint, a
 * cursor a client sends back). The store refuses one that is no event's (`invalid_position`).
 */
export const keptPosition = (value: number): Position => value as Position;

/** An event to append: data and metadata must be JSON-serialisable objects. */
export interface EventToAppend {
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly metadata: EventMetadata;
}

export interface RecordedEvent {
  readonly stream: string;
  readonly revision: number;
  readonly position: Position;
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly metadata: EventMetadata;
}

export interface AppendResult {
  /** Revision of the last event now in the stream. */
  readonly nextRevision: number;
  /** Global position of the last appended event. */
  readonly position: Position;
}

export interface ReadStreamOptions {
  /** Inclusive; default: the first event (forwards) or the last one (backwards). */
  readonly fromRevision?: number | 'start' | 'end';
  readonly direction?: 'forwards' | 'backwards';
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: the events after this one's; default (or beforeFirst): from the first event. */
  readonly after?: Position;
  readonly maxCount?: number;
}

export interface EventFilter {
  /** Keep events whose stream name starts with one of these (e.g. 'tenant-'). */
  readonly streamPrefixes?: readonly string[];
  /** Keep events of these types. */
  readonly eventTypes?: readonly string[];
}

export interface SubscribeToAllOptions {
  /** Exclusive, as a checkpoint: delivers the events after this position; 'end': only those appended from now on. */
  readonly after?: Position | 'end';
  readonly filter?: EventFilter;
}

/** Catch-up then live, without a gap or a duplicate; ends when closed. */
export interface AllSubscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

export interface EventStore {
  append(stream: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult>;
  /** Rejects with StreamNotFound when the stream has no event. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeToAllOptions): AllSubscription;
  /** The position of the newest event, or beforeFirst for an empty store. */
  headPosition(): Promise<Position>;
  /** Names this store, the same for every process and node that opens it: what a checkpoint belongs to. */
  identity(): Promise<string>;
  close(): Promise<void>;
}

export class WrongExpectedVersion extends TetherError {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** The stream's last revision, or 'no_stream'. */
    readonly actual: number | 'no_stream',
  ) {
    super('wrong_expected_version', `stream ${stream}: expected ${String(expected)}, actual ${String(actual)}`);
  }
}

export class StreamNotFound extends TetherError {
  constructor(readonly stream: string) {
    super('stream_not_found', `stream ${stream} not found`);
  }
}
