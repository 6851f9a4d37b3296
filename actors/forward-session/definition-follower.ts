// Proxy profiles and protocol applications are defined through any hub node, and every node
// acts on them (a proxy's port opens or closes, an application's connections end). Each node
// follows their streams in the log and hands every change to what brings the node in line with
// the stream's stored state, one change at a time per stream: each load then sees a state at
// least as new as the one before it.
import type { EventStore, Position } from '../../domain/ports/event-store.js';
import { categoryOf, idOf, streamOf } from '../../domain/stream-name.js';
import { followLog } from '../runtime/log-follower.js';
import type { LogFollower } from '../runtime/log-follower.js';
import { StreamTurns } from '../runtime/stream-turns.js';

/** Brings this node in line with a definition's stored state; `position`: the event heard, undefined at start-up. */
export type Reconcile = (id: string, position?: number) => Promise<void>;

export interface DefinitionFollowerOptions {
  readonly store: EventStore;
  /** By aggregate category (`proxy`, `protoapp`). */
  readonly reconcilers: ReadonlyMap<string, Reconcile>;
  readonly logger: { error(details: object, message: string): void };
}

export class DefinitionFollower {
  /** One change at a time per stream, in the order heard. */
  private readonly turns = new StreamTurns();
  private following: LogFollower | undefined;

  constructor(private readonly options: DefinitionFollowerOptions) {}

  /**
   * Follows the changes after `readTo`, the last event start-up read, then reconciles what it
   * found there (`known`: ids by category): a change appended since is heard, none twice.
   */
  async start(known: ReadonlyMap<string, Iterable<string>>, readTo: Position): Promise<void> {
    const { store, reconcilers, logger } = this.options;
    this.following = followLog(
      store,
      { streamPrefixes: [...reconcilers.keys()].map((category) => `${category}-`) },
      (event) => void this.enqueue(event.stream, event.position),
      (error) => logger.error({ err: error }, 'stopped following proxy and protocol-application changes made through other hub nodes'),
      readTo,
    );
    const streams = [...known].flatMap(([category, ids]) => [...ids].map((id) => streamOf(category, id)));
    await Promise.all(streams.map((stream) => this.enqueue(stream)));
  }

  /** Stops following, once the changes already heard are reconciled. */
  async close(): Promise<void> {
    const following = this.following;
    this.following = undefined;
    await following?.close();
    await this.turns.drain();
  }

  private enqueue(stream: string, position?: number): Promise<void> {
    const reconcile = this.options.reconcilers.get(categoryOf(stream));
    if (reconcile === undefined) return Promise.resolve();
    const id = idOf(stream);
    return this.turns
      .run(stream, () => reconcile(id, position))
      .catch((error: unknown) => this.options.logger.error({ err: error, stream }, 'could not act on a change of a proxy or protocol application'));
  }
}
