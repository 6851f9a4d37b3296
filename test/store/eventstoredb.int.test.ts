// The shared EventStore contract against a real EventStoreDB, e.g.
// TETHER_EVENTSTORE_URL='esdb://127.0.0.1:2113?tls=false' npx vitest run test/store/eventstoredb.int.test.ts
import { describe, it } from 'vitest';
import { EventStoreDbEventStore } from '../../store/eventstoredb-event-store.js';
import { eventStoreContract } from './contract.js';

const url = process.env.TETHER_EVENTSTORE_URL;

if (url === undefined || url === '') {
  describe.skip('EventStoreDB', () => {
    it.skip('EventStoreDB contract skipped: set TETHER_EVENTSTORE_URL to run it', () => undefined);
  });
} else {
  eventStoreContract('EventStoreDB', async () => {
    const store = EventStoreDbEventStore.connect(url);
    return { store, cleanup: () => store.close() };
  });
}
