// socket.io namespace /dashboard: the token is checked in the handshake; the client then
// subscribes (see dashboard-protocol.ts). Each change the node's read models publish is
// offered to every connection, which sends it only if the principal may see it at that
// moment: grants made or revoked while connected count at once. A connection whose token a
// credential change revoked (a password set, an auditor disabled) is dropped.
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { Namespace } from 'socket.io';
import { TetherError } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import type { ChangeLog } from '../projections/change-log/index.js';
import { credentialsChanged } from '../projections/credentials/index.js';
import type { Database, PublishedChange } from '../projections/projection.js';
import { tenantChanged } from '../projections/tenants/index.js';
import type { Credentials } from './credentials.js';
import type { DashboardClientEvents, DashboardServerEvents, DashboardSocketData, SubscribeAck } from './dashboard-protocol.js';
import { DashboardSubscriber } from './dashboard-subscriber.js';

export type { DashboardMessage, SnapshotMessage, SubscribeAck } from './dashboard-protocol.js';

export type HubIo = Server<DashboardClientEvents, DashboardServerEvents, Record<string, never>, DashboardSocketData>;
export type DashboardNamespace = Namespace<DashboardClientEvents, DashboardServerEvents, Record<string, never>, DashboardSocketData>;

export interface DashboardDependencies {
  readonly verifyToken: (token: string) => Promise<Credentials>;
  /** False once the credential the token was issued under has moved on. */
  readonly credentialsCurrent: (credentials: Credentials) => Promise<boolean>;
  /** Tenant ids the principal may see; undefined means all. */
  readonly visibleTenants: (principal: Principal) => readonly string[] | undefined;
  readonly readModels: {
    onChange(listener: (change: PublishedChange) => void): () => void;
    position(): number;
    read<T>(fn: (db: Database) => T): T;
  };
  /** The journal the read models record their changes in. */
  readonly changeLog: ChangeLog;
  /** The store's head: a resume position beyond it is refused. */
  readonly headPosition: () => Promise<number>;
}

export interface Dashboard {
  readonly io: HubIo;
  readonly namespace: DashboardNamespace;
  /** Disconnects every client and stops publishing; the HTTP server is closed by its owner. */
  close(): void;
}

function assertHasDashboard(principal: Principal): void {
  if (principal.role === 'device' || principal.role === 'relay') {
    throw new TetherError('forbidden', `role ${principal.role} has no dashboard`);
  }
}

export function attachDashboard(server: HttpServer, dependencies: DashboardDependencies): Dashboard {
  const io: HubIo = new Server(server, { serveClient: false });
  const namespace = io.of('/dashboard');
  /** Each live connection, with the credentials its token carried. */
  const subscribers = new Map<DashboardSubscriber, Credentials>();
  let visibilityEpoch = 0;
  let reviewScheduled = false;
  const context = {
    readModels: dependencies.readModels,
    changeLog: dependencies.changeLog,
    headPosition: dependencies.headPosition,
    visibleTenants: dependencies.visibleTenants,
    visibilityEpoch: () => visibilityEpoch,
  };

  namespace.use(async (socket, next) => {
    try {
      const { token } = socket.handshake.auth as { token?: unknown };
      if (typeof token !== 'string') throw new TetherError('unauthenticated', 'send auth: {token}');
      const credentials = await dependencies.verifyToken(token);
      assertHasDashboard(credentials.principal);
      socket.data.credentials = credentials;
      next();
    } catch (error) {
      const failure = error instanceof TetherError ? error : new TetherError('internal', 'internal error');
      next(Object.assign(new Error(failure.message), { data: { code: failure.code } }));
    }
  });

  const dropIfRevoked = async (subscriber: DashboardSubscriber, credentials: Credentials): Promise<void> => {
    const current = await dependencies.credentialsCurrent(credentials).catch(() => false);
    if (!current && subscribers.delete(subscriber)) subscriber.disconnect();
  };

  namespace.on('connection', (socket) => {
    const { credentials } = socket.data;
    const subscriber = new DashboardSubscriber(socket, credentials.principal, context);
    subscribers.set(subscriber, credentials);
    // A credential change between the handshake's check and now found no connection to drop.
    void dropIfRevoked(subscriber, credentials);
    socket.on('subscribe', (request, ack) => {
      const reply = (response: SubscribeAck): void => {
        if (typeof ack === 'function') ack(response);
      };
      void subscriber.subscribe(request, reply);
    });
    socket.on('disconnect', () => {
      subscriber.stop();
      subscribers.delete(subscriber);
    });
  });

  // Runs once the whole batch is published, when the read models and what was sent agree.
  const reviewScopes = (): void => {
    reviewScheduled = false;
    for (const subscriber of subscribers.keys()) guarded(subscriber, () => subscriber.reviewScope());
  };

  // A connection that cannot be served is dropped rather than silently skipped: it resumes.
  const guarded = (subscriber: DashboardSubscriber, fn: () => void): void => {
    try {
      fn();
    } catch {
      subscriber.disconnect();
      subscribers.delete(subscriber);
    }
  };

  // Every connection is checked at once, and changes that arrive during a check are taken by
  // one more check after it, not by one check each.
  let checking: Promise<void> | undefined;
  let checkAgain = false;
  const dropRevoked = (): void => {
    if (checking !== undefined) {
      checkAgain = true;
      return;
    }
    checking = Promise.all([...subscribers].map(([subscriber, credentials]) => dropIfRevoked(subscriber, credentials))).then(() => {
      checking = undefined;
      if (!checkAgain) return;
      checkAgain = false;
      dropRevoked();
    });
  };

  const unsubscribe = dependencies.readModels.onChange((change) => {
    if (change.name === credentialsChanged) dropRevoked();
    if (change.name === tenantChanged) {
      visibilityEpoch += 1;
      if (!reviewScheduled) {
        reviewScheduled = true;
        queueMicrotask(reviewScopes);
      }
    }
    for (const subscriber of subscribers.keys()) guarded(subscriber, () => subscriber.offer(change));
  });

  return {
    io,
    namespace,
    close() {
      unsubscribe();
      subscribers.forEach((_credentials, subscriber) => subscriber.stop());
      subscribers.clear();
      namespace.disconnectSockets(true);
      io.engine.close();
    },
  };
}
