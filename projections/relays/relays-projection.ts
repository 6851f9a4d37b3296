// The relay read model: one row per relay (stream relay-<name>), its state folded through the
// relay machine itself, so the listing says exactly what the aggregate decides by. Relays are
// no tenant's: their changes go to admins and auditors of every tenant only.
import type * as t from 'io-ts';
import type { StateValue } from 'xstate';
import { transition } from 'xstate';
import { TetherError } from '../../domain/errors.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { RelayEvent } from '../../domain/relay/events.js';
import { relayMachine } from '../../domain/relay/machine.js';
import type { RelayContext } from '../../domain/relay/machine.js';
import type { RelayState } from '../../domain/relay/decide.js';
import { relayView } from '../../domain/relay/relay-view.js';
import { idOf } from '../../domain/stream-name.js';
import { decodeStoredEvent } from '../decode-stored-event.js';
import { preparedOnce } from '../prepared-once.js';
import type { Database, Projection, ReadModelChange } from '../projection.js';
import { createRelayTables, dropRelayTables } from './relay-tables.js';

export const relayChanged = 'relay.changed';

const statementsOf = preparedOnce((db) => ({
  select: db.prepare<[string], { machineState: string; context: string }>('SELECT machine_state AS machineState, context FROM relays WHERE name = ?'),
  upsert: db.prepare(
    `INSERT INTO relays (name, state, machine_state, context, view, updated_at, position)
     VALUES (:name, :state, :machineState, :context, :view, :updatedAt, :position)
     ON CONFLICT (name) DO UPDATE SET state = excluded.state, machine_state = excluded.machine_state, context = excluded.context,
       view = excluded.view, updated_at = excluded.updated_at, position = excluded.position`,
  ),
}));

function stateOf(db: Database, name: string): RelayState {
  const row = statementsOf(db).select.get(name);
  if (row === undefined) return relayMachine.resolveState({ value: 'absent', context: relayMachine.config.context as RelayContext });
  return relayMachine.resolveState({ value: JSON.parse(row.machineState) as StateValue, context: JSON.parse(row.context) as RelayContext });
}

export const relaysProjection: Projection = {
  name: 'relays',
  version: 1,
  filter: { streamPrefixes: ['relay-'] },
  migrate: createRelayTables,
  drop: dropRelayTables,
  apply(db, event): readonly ReadModelChange[] {
    const relayEvent = decodeStoredEvent(codecOf(event), event);
    const name = idOf(event.stream);
    const before = stateOf(db, name);
    if (!before.can(relayEvent)) corrupt(event, `is not allowed in state ${JSON.stringify(before.value)}`);
    const [after] = transition(relayMachine, before, relayEvent);
    const view = relayView(after);
    if (view === undefined) return [];
    statementsOf(db).upsert.run({
      name,
      state: view.state,
      machineState: JSON.stringify(after.value),
      context: JSON.stringify(after.context),
      view: JSON.stringify(view),
      updatedAt: event.metadata.at,
      position: event.position,
    });
    return [{ name: relayChanged, tenants: [], payload: view }];
  },
};

// Decoding with the one codec the type names reports its own errors, not every union member's.
function codecOf(event: RecordedEvent): t.Decoder<unknown, RelayEvent> {
  const codec: t.Decoder<unknown, RelayEvent> | undefined = RelayEvent.types.find((member) => member.props.type.value === event.type);
  return codec ?? corrupt(event, 'is not a relay event');
}

function corrupt(event: RecordedEvent, why: string): never {
  throw new TetherError('corrupt_event', `stored event ${event.stream}@${event.revision} (${event.type}) ${why}`);
}
