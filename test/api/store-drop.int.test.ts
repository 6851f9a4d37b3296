// The store drops the read models' subscription (as EventStoreDB does in a leader election):
// the hub resubscribes after the last event it applied, its read models miss nothing and apply
// nothing twice, and /readyz answers 200 again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { droppingStore } from '../support/dropping-store.js';
import type { DroppingStore } from '../support/dropping-store.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

describe('a subscription the store drops', () => {
  let t: TestHub;
  let store: DroppingStore | undefined;

  beforeAll(async () => {
    t = await startTestHub({
      // The read models follow $all unfiltered from their checkpoint: theirs drops after 2 events.
      storeDouble: (opened) =>
        (store = droppingStore(opened, (_, options) => (options.filter === undefined && options.after !== 'end' && store?.subscribed.length === 0 ? 2 : undefined))),
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('resumes after the last event applied: none missed, none twice; /readyz is 200 again', async () => {
    const admin = await t.adminToken();
    for (const id of ['drop-a', 'drop-b', 'drop-c', 'drop-d']) await t.createTenant(admin, id);
    await t.hub.readModels.waitFor(await t.head(), 5000);
    expect(store?.subscribed.filter((options) => options.filter === undefined && options.after !== 'end')).toHaveLength(2);
    const ready = await t.call({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode, ready.body).toBe(200);
    const listed = await t.call({ method: 'GET', url: '/api/v1/tenants', token: admin });
    expect((listed.json() as { items: { id: string }[] }).items.map((tenant) => tenant.id)).toEqual(['drop-a', 'drop-b', 'drop-c', 'drop-d']);
    expect(t.hub.readModels.stats().applied).toBe((await t.hub.store.readAll()).length);
  });
});
