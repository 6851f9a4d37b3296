// A relay's token reset (a stolen machine) or its deletion, stored through any hub node, ends
// its control channel on every node: each node follows those events on the log and drops the
// relay's channel it holds, so a relay with an old token carries no new session anywhere. A
// channel authenticated just before such an event is checked again once attached
// (api/gateway/relay-channel-server.ts), so none falls between the check and the event.
import type { EventStore } from '../../domain/ports/event-store.js';
import { relayAggregate } from '../../domain/relay/aggregate.js';
import type { RelayDeleted, RelayTokenReset } from '../../domain/relay/events.js';
import { idOf } from '../../domain/stream-name.js';
import { followLog } from '../runtime/log-follower.js';
import type { LogFollower } from '../runtime/log-follower.js';

/** What this node holds of its relays' channels. */
export interface DroppableRelays {
  /** Disconnects the relay's control channel; its links end with cause relay-lost. */
  dropRelay(relay: string, reason: string): void;
}

export interface RelayRevocationsOptions {
  readonly store: EventStore;
  readonly relays: DroppableRelays;
  readonly logger: {
    info(details: object, message: string): void;
    error(details: object, message: string): void;
  };
}

const reasons: { readonly [type in RelayTokenReset['type'] | RelayDeleted['type']]: string } = {
  RelayTokenReset: 'the relay token was reset',
  RelayDeleted: 'the relay was deleted',
};

const isRevocation = (type: string): type is keyof typeof reasons => Object.hasOwn(reasons, type);

export class RelayRevocations {
  private following: LogFollower | undefined;

  constructor(private readonly options: RelayRevocationsOptions) {}

  /** From now on: a channel authenticated earlier was checked against the events stored before. */
  start(): void {
    const { store, relays, logger } = this.options;
    this.following = followLog(
      store,
      { streamPrefixes: [`${relayAggregate.category}-`], eventTypes: Object.keys(reasons) },
      (event) => {
        if (!isRevocation(event.type)) return;
        const relay = idOf(event.stream);
        logger.info({ relay, event: event.type }, 'a relay may no longer connect with its token: its channel to this node, if any, is dropped');
        relays.dropRelay(relay, reasons[event.type]);
      },
      (error) => logger.error({ err: error }, 'stopped following relay token resets and deletions'),
    );
  }

  async close(): Promise<void> {
    const following = this.following;
    this.following = undefined;
    await following?.close();
  }
}
