// Subscriptions that resume after the store dropped them as unavailable: every event once, in
// order, from a position, from the start and from the end; other failures still end them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TetherError } from '../../domain/errors.js';
import { resumingEventStore } from '../../store/resuming-event-store.js';
import { SqliteEventStore } from '../../store/sqlite-event-store.js';
import { droppingStore } from '../support/dropping-store.js';
import { failureOf, makeEvents, SubscriptionReader, uniqueStream } from './event-store-fixtures.js';

const noWait = (): Promise<void> => Promise.resolve();
let dir: string;
let store: SqliteEventStore;
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(): SqliteEventStore {
  dir = mkdtempSync(join(tmpdir(), 'tether-resuming-'));
  store = SqliteEventStore.open({ file: join(dir, 'events.db'), positionStride: 5 });
  return store;
}

const keys = (events: readonly { stream: string; revision: number }[]): string[] => events.map((event) => `${event.stream}@${event.revision}`);

describe('resuming subscriptions', () => {
  it('resume after the last event delivered, each time the store drops them: none missed, none twice', async () => {
    const inner = open();
    const stream = uniqueStream();
    await inner.append(stream, makeEvents(10), 'no_stream');
    // The first three subscriptions drop after 3, 0 and 4 events.
    const drops: (number | undefined)[] = [3, 0, 4];
    const dropping = droppingStore(inner, (n) => drops[n]);
    const dropped: unknown[] = [];
    const resuming = resumingEventStore(dropping, { wait: noWait, onDrop: (error) => dropped.push(error) });
    const subscription = resuming.subscribeToAll();
    const reader = new SubscriptionReader(subscription);
    const first = await reader.take(8);
    await inner.append(stream, makeEvents(5, 'Later'), 9);
    const rest = await reader.take(7);
    const all = await inner.readAll();
    expect(keys([...first, ...rest])).toEqual(keys(all));
    expect(dropped).toHaveLength(3);
    expect(dropping.subscribed.slice(1).map((options) => options.after)).toEqual([all[2]?.position, all[2]?.position, all[6]?.position]);
    await subscription.close();
  });

  it('resume one from the end that delivered nothing after the head it started at', async () => {
    const inner = open();
    const stream = uniqueStream();
    await inner.append(stream, makeEvents(3), 'no_stream');
    const dropping = droppingStore(inner, (n) => (n === 0 ? 0 : undefined));
    const resuming = resumingEventStore(dropping, { wait: noWait });
    const subscription = resuming.subscribeToAll({ after: 'end' });
    const reader = new SubscriptionReader(subscription);
    await inner.append(stream, makeEvents(2, 'AfterStart'), 2);
    const received = await reader.take(2);
    expect(received.map((event) => event.type)).toEqual(['AfterStart', 'AfterStart']);
    expect(dropping.subscribed[1]?.after).toBe((await inner.readStream(stream))[2]?.position);
    await subscription.close();
  });

  it('start one from the end at the head it asked for, and resume there: the same events whether or not it drops', async () => {
    const inner = open();
    const stream = uniqueStream();
    await inner.append(stream, makeEvents(1), 'no_stream');
    const receivedWith = async (dropAfter: number | undefined): Promise<string[]> => {
      // EventStoreDB answers the head over the network: an append can land before the answer.
      let answerHead: () => void = () => undefined;
      const headAsked = new Promise<void>((resolve) => (answerHead = resolve));
      const dropping = droppingStore(inner, (n) => (n === 0 ? dropAfter : undefined));
      const slowHead = { ...dropping, headPosition: async () => (await headAsked, inner.headPosition()) };
      const subscription = resumingEventStore(slowHead, { wait: noWait }).subscribeToAll({ after: 'end' });
      const reader = new SubscriptionReader(subscription);
      const revision = (await inner.readStream(stream)).length - 1;
      await inner.append(stream, makeEvents(1, 'BeforeHead'), revision);
      answerHead();
      await inner.append(stream, makeEvents(1, 'AfterHead'), revision + 1);
      const received = await reader.take(1);
      await subscription.close();
      return received.map((event) => event.type);
    };
    expect(await receivedWith(undefined)).toEqual(['AfterHead']);
    expect(await receivedWith(0)).toEqual(['AfterHead']);
  });

  it('end on any other failure, and when closed while waiting to resume', async () => {
    const inner = open();
    await inner.append(uniqueStream(), makeEvents(2), 'no_stream');
    const broken = droppingStore(inner, () => 1, () => new TetherError('corrupt_event', 'bad row'));
    const reader = new SubscriptionReader(resumingEventStore(broken, { wait: noWait }).subscribeToAll());
    await reader.next(1000);
    expect(await failureOf(() => reader.next(1000))).toMatchObject({ code: 'corrupt_event' });

    let release: () => void = () => undefined;
    const waiting = new Promise<void>((resolve) => (release = resolve));
    const dropping = droppingStore(inner, () => 0);
    const subscription = resumingEventStore(dropping, { wait: () => waiting }).subscribeToAll();
    const pending = new SubscriptionReader(subscription).next(5000);
    await subscription.close();
    release();
    expect(await pending).toBe('done');
  });
});
