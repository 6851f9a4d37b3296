// socket.io namespace /dashboard: the token is checked in the handshake; admins (and
// auditors) join 'admins', a tenant-admin joins `tenant:<id>` for each tenant it sees.
// Read-model changes are pushed, named after their projection, to 'admins' and to the
// rooms of the tenants they concern.
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { Namespace } from 'socket.io';
import { TetherError } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { deviceChanged } from '../projections/devices/index.js';
import type { PublishedChange } from '../projections/projection.js';
import { tenantChanged } from '../projections/tenants/index.js';

/** What every dashboard event carries: the global position lets a client resume from it. */
export interface DashboardMessage {
  readonly position: number;
  readonly payload: unknown;
}

export interface DashboardServerEvents {
  [tenantChanged]: (message: DashboardMessage) => void;
  [deviceChanged]: (message: DashboardMessage) => void;
}

export type DashboardEventName = keyof DashboardServerEvents;

/** Dashboards only listen for now. */
export type DashboardClientEvents = Record<string, never>;

export interface DashboardSocketData {
  principal: Principal;
  /** Decided at the handshake; a grant made later is seen after reconnecting. */
  rooms: string[];
}

export type HubIo = Server<DashboardClientEvents, DashboardServerEvents, Record<string, never>, DashboardSocketData>;
export type DashboardNamespace = Namespace<DashboardClientEvents, DashboardServerEvents, Record<string, never>, DashboardSocketData>;

export const adminsRoom = 'admins';
export const tenantRoom = (tenant: string): string => `tenant:${tenant}`;

const dashboardEvents: ReadonlySet<string> = new Set<DashboardEventName>([tenantChanged, deviceChanged]);
const isDashboardEvent = (name: string): name is DashboardEventName => dashboardEvents.has(name);

export interface DashboardDependencies {
  readonly verifyToken: (token: string) => Principal;
  /** Tenant ids the principal may see; undefined means all. */
  readonly visibleTenants: (principal: Principal) => readonly string[] | undefined;
  readonly onChange: (listener: (change: PublishedChange) => void) => () => void;
}

export interface Dashboard {
  readonly io: HubIo;
  readonly namespace: DashboardNamespace;
  /** Disconnects every client and stops publishing; the HTTP server is closed by its owner. */
  close(): void;
}

function roomsOf(principal: Principal, visible: readonly string[] | undefined): string[] {
  if (principal.role === 'device' || principal.role === 'relay') {
    throw new TetherError('forbidden', `role ${principal.role} has no dashboard`);
  }
  return visible === undefined ? [adminsRoom] : visible.map(tenantRoom);
}

export function attachDashboard(server: HttpServer, dependencies: DashboardDependencies): Dashboard {
  const io: HubIo = new Server(server, { serveClient: false });
  const namespace = io.of('/dashboard');

  namespace.use((socket, next) => {
    try {
      const { token } = socket.handshake.auth as { token?: unknown };
      if (typeof token !== 'string') throw new TetherError('unauthenticated', 'send auth: {token}');
      const principal = dependencies.verifyToken(token);
      const rooms = roomsOf(principal, dependencies.visibleTenants(principal));
      socket.data.principal = principal;
      socket.data.rooms = rooms;
      next();
    } catch (error) {
      const failure = error instanceof TetherError ? error : new TetherError('internal', 'internal error');
      next(Object.assign(new Error(failure.message), { data: { code: failure.code } }));
    }
  });

  namespace.on('connection', (socket) => {
    void socket.join(socket.data.rooms);
  });

  const unsubscribe = dependencies.onChange((change) => {
    if (!isDashboardEvent(change.name)) return;
    const rooms = [adminsRoom, ...change.tenants.map(tenantRoom)];
    namespace.to(rooms).emit(change.name, { position: change.position, payload: change.payload });
  });

  return {
    io,
    namespace,
    close() {
      unsubscribe();
      namespace.disconnectSockets(true);
      io.engine.close();
    },
  };
}
