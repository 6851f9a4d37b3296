// One dashboard connection: what it subscribed to and how far it got. Every change is checked
// against the tenants the principal may see at the moment it is sent, and sent only if its
// position is past what the client already has, so it goes out once, in position order.
// A connection hears nothing before it subscribes: a change sent before the subscribe was read
// would come again, and out of order, in the replay the subscribe asks for.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { TetherError } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import type { ChangeLog } from '../projections/change-log/index.js';
import type { Database, PublishedChange } from '../projections/projection.js';
import { allDashboardModels, dashboardModels, snapshotPartSize } from './dashboard-models.js';
import { SubscribeRequest } from './dashboard-protocol.js';
import type { DashboardChangeEvent, DashboardModel, DashboardSocket, SubscribeAck } from './dashboard-protocol.js';
import { effectiveScope, inScope, scopeChange, scopeList } from './dashboard-scope.js';
import type { TenantScope } from './dashboard-scope.js';
import { parse } from './parse.js';

export interface SubscriberContext {
  readonly readModels: {
    position(): number;
    read<T>(fn: (db: Database) => T): T;
  };
  readonly changeLog: ChangeLog;
  readonly headPosition: () => Promise<number>;
  /** The tenant ids the principal may see now; undefined: all. */
  readonly visibleTenants: (principal: Principal) => readonly string[] | undefined;
  /** Moves on whenever a tenant (its grants) changed, so cached scopes are recomputed. */
  readonly visibilityEpoch: () => number;
}

/**
 * 'idle': not subscribed, or a subscription failed or is being prepared; 'replaying': changes
 * after `after` are read from the change log, live ones are left to the log meanwhile; 'live'.
 */
type Mode = 'idle' | 'replaying' | 'live';

type Reply = (ack: SubscribeAck) => void;

const replayPageSize = 500;
const changeEvents = new Map<string, DashboardChangeEvent>(allDashboardModels.map((model) => [dashboardModels[model].change, dashboardModels[model].change]));

export class DashboardSubscriber {
  private mode: Mode = 'idle';
  /** Moves on with each subscribe and at disconnect: a replay of an older one stops. */
  private generation = 0;
  private pending: Reply | undefined;
  private models: readonly DashboardModel[] = allDashboardModels;
  private changes: ReadonlySet<string> = new Set();
  private requested: ReadonlySet<string> | undefined;
  private cached: { readonly epoch: number; readonly scope: TenantScope } | undefined;
  /** The scope the client was last given the state of; undefined before its first subscription. */
  private announced: TenantScope | undefined;
  /** The client has everything up to this position. */
  private floor = -1;
  /** Position of the last change sent: nothing older goes out after it. */
  private last = -1;

  constructor(
    private readonly socket: DashboardSocket,
    private readonly principal: Principal,
    private readonly context: SubscriberContext,
  ) {}

  /** A change the read models just published. */
  offer(change: PublishedChange): void {
    if (this.mode !== 'live') return;
    if (change.position <= this.floor || change.position < this.last) return;
    this.send(change);
  }

  async subscribe(raw: unknown, reply: Reply): Promise<void> {
    const generation = this.restart();
    this.pending = reply;
    try {
      const request = parse(SubscribeRequest, raw, 'body');
      this.authorize(request.tenants);
      this.models = [...new Set(request.models)];
      this.changes = new Set(this.models.map((model) => dashboardModels[model].change));
      this.requested = request.tenants === undefined ? undefined : new Set(request.tenants);
      this.cached = undefined;
      const { after } = request;
      if (after === undefined) return this.answer(this.sendSnapshot());
      const head = await this.context.headPosition();
      if (generation !== this.generation) return;
      // A position this store never reached is no position of this store: start afresh.
      if (after > head) return this.answer(this.sendSnapshot());
      await this.replay(after, generation);
    } catch (error) {
      if (generation !== this.generation) return;
      this.mode = 'idle';
      const failure = error instanceof TetherError ? error : new TetherError('internal', 'internal error');
      this.answer({ ok: false, error: { code: failure.code, message: failure.message, details: failure.details } });
    }
  }

  /** After tenants changed: a client whose scope grew or shrank gets the state of those tenants. */
  reviewScope(): void {
    if (this.mode !== 'live' || this.announced === undefined) return;
    const scope = this.scope();
    const { added, dropped } = scopeChange(this.announced, scope);
    if (added.length === 0 && dropped.length === 0) return;
    const position = this.context.readModels.position();
    this.emitSnapshots(position, [...added, ...dropped].sort(), added);
    this.announced = scope;
    this.last = Math.max(this.last, position);
  }

  stop(): void {
    this.restart();
  }

  /** Ends the connection: the client reconnects and resumes from what it has. */
  disconnect(): void {
    this.stop();
    this.socket.disconnect(true);
  }

  private restart(): number {
    this.generation += 1;
    this.mode = 'idle';
    const superseded = this.pending;
    this.pending = undefined;
    superseded?.({ ok: false, error: { code: 'unavailable', message: 'superseded by a later subscribe', details: [] } });
    return this.generation;
  }

  private answer(ack: SubscribeAck): void {
    const reply = this.pending;
    this.pending = undefined;
    reply?.(ack);
  }

  private authorize(tenants: readonly string[] | undefined): void {
    const visible = this.context.visibleTenants(this.principal);
    if (visible === undefined || tenants === undefined) return;
    // As in the REST API, a tenant out of reach is not found, so its existence does not leak.
    const unseen = tenants.flatMap((tenant, index) => (visible.includes(tenant) ? [] : [{ tenant, index }]));
    const first = unseen[0];
    if (first === undefined) return;
    throw new TetherError('not_found', `tenant ${first.tenant} not found`, unseen.map(({ index }) => `body.tenants.${index}`));
  }

  private scope(): TenantScope {
    const epoch = this.context.visibilityEpoch();
    if (this.cached?.epoch === epoch) return this.cached.scope;
    const scope = effectiveScope(this.context.visibleTenants(this.principal), this.requested);
    this.cached = { epoch, scope };
    return scope;
  }

  private send(change: PublishedChange): void {
    const event = changeEvents.get(change.name);
    if (event === undefined || !this.changes.has(event) || !inScope(this.scope(), change.tenants)) return;
    this.last = change.position;
    this.socket.emit(event, { position: change.position, payload: change.payload });
  }

  /** Synchronous: the state it reads and the position it reports are the same moment's. */
  private sendSnapshot(): SubscribeAck {
    const position = this.context.readModels.position();
    this.emitSnapshots(position, null, undefined);
    return this.goLive(position, false);
  }

  /** `tenants`: the part of the client's state replaced (null: all); `of`: whose items to send (undefined: the scope's). */
  private emitSnapshots(position: number, tenants: readonly string[] | null, of: readonly string[] | undefined): void {
    const scope = this.scope();
    const visibleTo = of ?? (scope === 'all' ? undefined : [...scope]);
    const states = this.context.readModels.read((db) =>
      this.models.map((model) => ({ model, items: dashboardModels[model].readAll(db, visibleTo) })),
    );
    for (const { model, items } of states) {
      const parts = Math.max(1, Math.ceil(items.length / snapshotPartSize));
      for (let part = 0; part < parts; part++) {
        const slice = items.slice(part * snapshotPartSize, (part + 1) * snapshotPartSize);
        this.socket.emit('snapshot', { model, position, tenants, items: slice, part, last: part === parts - 1 });
      }
    }
  }

  /**
   * Sends the logged changes after `after`, a page per turn of the event loop. Live changes are
   * ignored meanwhile: they are in the log too. The last page is read in the same turn as the
   * switch to live, so nothing published falls between the two.
   */
  private async replay(after: number, generation: number): Promise<void> {
    this.mode = 'replaying';
    const { changeLog, readModels } = this.context;
    let cursor = { position: after, id: 0 };
    let reached = after;
    for (;;) {
      const outcome = readModels.read((db): SubscribeAck | 'more' => {
        // The log must still hold every change not sent yet, the rest of `reached`'s included.
        const complete = cursor.id === 0 ? changeLog.floor(db) <= after : changeLog.floor(db) < reached;
        if (!complete) return this.sendSnapshot();
        const page = changeLog.read(db, cursor, replayPageSize);
        for (const change of page) {
          this.send(change);
          cursor = { position: after, id: change.id };
          reached = change.position;
        }
        if (page.length === replayPageSize) return 'more';
        return this.goLive(Math.max(after, readModels.position()), true);
      });
      if (outcome !== 'more') return this.answer(outcome);
      await nextTurn();
      if (generation !== this.generation) return;
    }
  }

  private goLive(position: number, resumed: boolean): SubscribeAck {
    const scope = this.scope();
    this.mode = 'live';
    this.floor = position;
    this.last = position;
    this.announced = scope;
    return { ok: true, position, resumed, tenants: scopeList(scope) };
  }
}
