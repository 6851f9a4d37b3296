// The EventStore port. Revisions and positions mean what EventStoreDB means:
// a stream revision is the 0-based index of an event in its stream; a position orders
// every event of the store ($all). Numbers stay exact up to 2^53, far past any log here.
import type { EventMetadata } from '../event-metadata.js';
import { TetherError } from '../errors.js';

export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

/** An event to append: data and metadata must be JSON-serialisable objects. */
export interface EventToAppend {
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly metadata: EventMetadata;
}

export interface RecordedEvent {
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly metadata: EventMetadata;
}

export interface AppendResult {
  /** Revision of the last event now in the stream. */
  readonly nextRevision: number;
  /** Global position of the last appended event. */
  readonly position: number;
}

export interface ReadStreamOptions {
  /** Inclusive; default: the first event (forwards) or the last one (backwards). */
  readonly fromRevision?: number | 'start' | 'end';
  readonly direction?: 'forwards' | 'backwards';
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Inclusive; default: the first event of the store. */
  readonly fromPosition?: number | 'start';
  readonly maxCount?: number;
}

export interface EventFilter {
  /** Keep events whose stream name starts with one of these (e.g. 'tenant-'). */
  readonly streamPrefixes?: readonly string[];
  /** Keep events of these types. */
  readonly eventTypes?: readonly string[];
}

export interface SubscribeToAllOptions {
  /** Exclusive, as a checkpoint: delivers the events after this position. */
  readonly fromPosition?: number | 'start' | 'end';
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
  /** The position of the newest event, or -1 for an empty store. */
  headPosition(): Promise<number>;
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
