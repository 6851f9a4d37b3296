// The hand-over from a resume's replay (read from the change log) to live changes, with changes
// appended at each point where the two can cross: after the client connected but before its
// subscribe was read, while the subscriber asks for the store's head, between two pages of the
// replay, and right after it went live. Each change reaches the client exactly once, in order.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DashboardSubscriber } from '../../api/dashboard-subscriber.js';
import type { SubscriberContext } from '../../api/dashboard-subscriber.js';
import type { DashboardSocket, SubscribeAck } from '../../api/dashboard-protocol.js';
import { ChangeLog } from '../../projections/change-log/index.js';
import type { PublishedChange } from '../../projections/projection.js';
import { deviceChanged } from '../../projections/devices/index.js';

interface Sent {
  readonly event: string;
  readonly position: number;
}

/** A read-model file with its change log, and the one connection under test. */
class World {
  readonly db = new Database(':memory:');
  readonly log = new ChangeLog();
  readonly sent: Sent[] = [];
  private head = 0;
  /** Runs once, at the next read of the read models after it is set. */
  onNextRead: (() => void) | undefined;
  /** Runs once, while the subscriber waits for the store's head. */
  onHead: (() => void) | undefined;
  readonly subscriber: DashboardSubscriber;

  constructor() {
    this.log.migrate(this.db, this.head);
    const socket = { emit: (event: string, message: { position: number }) => this.sent.push({ event, position: message.position }) };
    const context: SubscriberContext = {
      readModels: {
        position: () => this.head,
        read: (fn) => {
          const result = fn(this.db);
          const after = this.onNextRead;
          this.onNextRead = undefined;
          if (after !== undefined) queueMicrotask(after);
          return result;
        },
      },
      changeLog: this.log,
      headPosition: async () => {
        const during = this.onHead;
        this.onHead = undefined;
        during?.();
        return this.head;
      },
      visibleTenants: () => undefined,
      visibilityEpoch: () => 0,
    };
    this.subscriber = new DashboardSubscriber(socket as unknown as DashboardSocket, { id: 'admin', role: 'admin' }, context);
  }

  /** One event committed by the read models: logged in their transaction, then published. */
  append(count = 1): void {
    const changes: PublishedChange[] = [];
    for (let i = 0; i < count; i++) {
      this.head += 1;
      changes.push({ name: deviceChanged, tenants: ['tenant-a'], payload: { n: this.head }, position: this.head });
    }
    this.log.record(this.db, changes);
    for (const change of changes) this.subscriber.offer(change);
  }

  subscribe(after: number): Promise<SubscribeAck> {
    return new Promise((resolve) => void this.subscriber.subscribe({ models: ['devices'], after }, resolve));
  }

  positions(): number[] {
    return this.sent.filter((sent) => sent.event === deviceChanged).map((sent) => sent.position);
  }
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('dashboard resume hand-over', () => {
  let world: World;
  afterEach(() => world.db.close());

  it('sends nothing before the client subscribes, so a change published then is not sent twice', async () => {
    world = new World();
    world.append(3);
    const seen = 3;
    world.append(2);
    const ack = await world.subscribe(seen);
    expect(ack).toEqual({ ok: true, position: 5, resumed: true, tenants: null });
    world.append();
    expect(world.positions()).toEqual([4, 5, 6]);
  });

  it('sends a change appended while the head is asked for, once, in order', async () => {
    world = new World();
    world.append(10);
    world.onHead = () => world.append();
    await world.subscribe(4);
    world.append();
    expect(world.positions()).toEqual(range(5, 12));
  });

  it('sends changes appended between two pages of the replay and right after going live, once each, in order', async () => {
    world = new World();
    world.append(1200);
    // After the first page: before the next one is read. After the last page: once live.
    world.onNextRead = () => {
      world.append(2);
      world.onNextRead = () => {
        world.append(2);
        world.onNextRead = () => world.append(2);
      };
    };
    const ack = await world.subscribe(100);
    world.append();
    const head = 1200 + 2 + 2 + 2 + 1;
    expect(ack.ok && ack.position).toBeGreaterThan(1200);
    expect(world.positions()).toEqual(range(101, head));
  });
});
