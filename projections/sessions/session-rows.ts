// A session entry as one row of `sessions`, and back.
import type { Role } from '../../domain/principal.js';
import type { LinkProtocol } from '../../domain/tunnel/link-fields.js';
import type { TerminationCause } from '../../domain/tunnel/termination-cause.js';
import { preparedOnce } from '../prepared-once.js';
import type { Database } from '../projection.js';
import type { SessionEntry } from './session-entry.js';
import type { SessionKind, SessionView } from './session-view.js';
import { formatMac } from '../../domain/device/mac.js';
import { shownEndpoint } from '../../domain/protocol-app/app-template.js';

export interface SessionRow {
  readonly id: string;
  readonly kind: SessionKind;
  readonly state: 'open' | 'closed';
  readonly device: string;
  readonly tenantId: string;
  readonly relay: string;
  readonly protocol: LinkProtocol;
  readonly devicePort: number;
  readonly port: number;
  readonly encrypted: number;
  readonly requestedById: string;
  readonly requestedByRole: Role;
  readonly userIP: string | null;
  readonly clientIP: string | null;
  readonly agentIP: string | null;
  readonly createdTime: string;
  readonly endTime: string | null;
  readonly terminationCause: TerminationCause | null;
  readonly bytesToDevice: number;
  readonly bytesFromDevice: number;
  readonly streams: number;
  readonly liveStreamIds: string;
  readonly reportedToDevice: number;
  readonly reportedFromDevice: number;
  readonly closedToDevice: number;
  readonly closedFromDevice: number;
  readonly sourceId: string | null;
  readonly mode: string | null;
  readonly target: string | null;
  readonly endpoint: string | null;
  readonly tls: number | null;
}

export const selectSessionRow = `
  SELECT s.id, s.kind, s.state, s.device, s.tenant_id AS tenantId, s.relay, s.protocol, s.device_port AS devicePort,
    s.port, s.encrypted, s.requested_by_id AS requestedById, s.requested_by_role AS requestedByRole,
    s.user_ip AS userIP, s.client_ip AS clientIP, s.agent_ip AS agentIP, s.created_time AS createdTime,
    s.end_time AS endTime, s.termination_cause AS terminationCause, s.bytes_to_device AS bytesToDevice,
    s.bytes_from_device AS bytesFromDevice, s.streams, s.live_stream_ids AS liveStreamIds,
    s.reported_to_device AS reportedToDevice, s.reported_from_device AS reportedFromDevice,
    s.closed_to_device AS closedToDevice, s.closed_from_device AS closedFromDevice,
    s.source_id AS sourceId, s.mode, s.target, s.endpoint, s.tls
  FROM sessions s`;

/** A session as the API and dashboards show it: the device's (and a service endpoint's) MAC as `00:11:22:AA:BB:CC`. */
export const shownSession = (view: SessionView): SessionView => ({
  ...view,
  device: formatMac(view.device),
  ...(view.endpoint === undefined ? {} : { endpoint: shownEndpoint(view.endpoint) }),
});

/** The view as stored, the device's MAC canonical (what `?device=` selects by). */
export function viewOfRow(row: SessionRow): SessionView {
  const liveStreams = (JSON.parse(row.liveStreamIds) as string[]).length;
  return {
    kind: row.kind,
    id: row.id,
    state: row.state,
    device: row.device,
    tenantId: row.tenantId,
    relay: row.relay,
    protocol: row.protocol,
    devicePort: row.devicePort,
    port: row.port,
    encrypted: row.encrypted === 1,
    requestedBy: { id: row.requestedById, role: row.requestedByRole },
    ...(row.userIP === null ? {} : { userIP: row.userIP }),
    ...(row.clientIP === null ? {} : { clientIP: row.clientIP }),
    ...(row.agentIP === null ? {} : { agentIP: row.agentIP }),
    createdTime: row.createdTime,
    ...(row.endTime === null ? {} : { endTime: row.endTime }),
    ...(row.terminationCause === null ? {} : { terminationCause: row.terminationCause }),
    bytesToDevice: row.bytesToDevice,
    bytesFromDevice: row.bytesFromDevice,
    bytesTransferred: row.bytesToDevice + row.bytesFromDevice,
    streams: row.streams,
    liveStreams,
    ...(row.sourceId === null ? {} : row.kind === 'proxy' ? { proxyId: row.sourceId } : { appId: row.sourceId }),
    ...(row.mode === null ? {} : { mode: row.mode }),
    ...(row.target === null ? {} : { target: row.target }),
    ...(row.endpoint === null ? {} : { endpoint: row.endpoint }),
    ...(row.tls === null ? {} : { tls: row.tls === 1 }),
  };
}

const entryOfRow = (row: SessionRow): SessionEntry => ({
  view: viewOfRow(row),
  liveStreamIds: JSON.parse(row.liveStreamIds) as string[],
  reported: { bytesToDevice: row.reportedToDevice, bytesFromDevice: row.reportedFromDevice },
  closedStreams: { bytesToDevice: row.closedToDevice, bytesFromDevice: row.closedFromDevice },
});

const statementsOf = preparedOnce((db) => ({
  select: db.prepare<[string], SessionRow>(`${selectSessionRow} WHERE s.id = ?`),
  upsert: db.prepare(
    `INSERT INTO sessions (id, kind, state, device, tenant_id, relay, protocol, device_port, port, encrypted,
       requested_by_id, requested_by_role, user_ip, client_ip, agent_ip, created_time, end_time, termination_cause,
       bytes_to_device, bytes_from_device, streams, live_stream_ids, reported_to_device, reported_from_device,
       closed_to_device, closed_from_device, updated_at, position, source_id, mode, target, endpoint, tls)
     VALUES (:id, :kind, :state, :device, :tenantId, :relay, :protocol, :devicePort, :port, :encrypted,
       :requestedById, :requestedByRole, :userIP, :clientIP, :agentIP, :createdTime, :endTime, :terminationCause,
       :bytesToDevice, :bytesFromDevice, :streams, :liveStreamIds, :reportedToDevice, :reportedFromDevice,
       :closedToDevice, :closedFromDevice, :updatedAt, :position, :sourceId, :mode, :target, :endpoint, :tls)
     ON CONFLICT (id) DO UPDATE SET state = excluded.state, user_ip = excluded.user_ip, client_ip = excluded.client_ip, agent_ip = excluded.agent_ip,
       created_time = excluded.created_time,
       end_time = excluded.end_time, termination_cause = excluded.termination_cause,
       bytes_to_device = excluded.bytes_to_device, bytes_from_device = excluded.bytes_from_device,
       streams = excluded.streams, live_stream_ids = excluded.live_stream_ids,
       reported_to_device = excluded.reported_to_device, reported_from_device = excluded.reported_from_device,
       closed_to_device = excluded.closed_to_device, closed_from_device = excluded.closed_from_device,
       updated_at = excluded.updated_at, position = excluded.position`,
  ),
}));

export function loadSessionEntry(db: Database, id: string): SessionEntry | undefined {
  const row = statementsOf(db).select.get(id);
  return row === undefined ? undefined : entryOfRow(row);
}

export function saveSessionEntry(db: Database, entry: SessionEntry, stamp: { readonly updatedAt: string; readonly position: number }): void {
  const { view } = entry;
  statementsOf(db).upsert.run({
    id: view.id,
    kind: view.kind,
    state: view.state,
    device: view.device,
    tenantId: view.tenantId,
    relay: view.relay,
    protocol: view.protocol,
    devicePort: view.devicePort,
    port: view.port,
    encrypted: view.encrypted ? 1 : 0,
    requestedById: view.requestedBy.id,
    requestedByRole: view.requestedBy.role,
    userIP: view.userIP ?? null,
    clientIP: view.clientIP ?? null,
    agentIP: view.agentIP ?? null,
    createdTime: view.createdTime,
    endTime: view.endTime ?? null,
    terminationCause: view.terminationCause ?? null,
    bytesToDevice: view.bytesToDevice,
    bytesFromDevice: view.bytesFromDevice,
    streams: view.streams,
    liveStreamIds: JSON.stringify(entry.liveStreamIds),
    reportedToDevice: entry.reported.bytesToDevice,
    reportedFromDevice: entry.reported.bytesFromDevice,
    closedToDevice: entry.closedStreams.bytesToDevice,
    closedFromDevice: entry.closedStreams.bytesFromDevice,
    updatedAt: stamp.updatedAt,
    position: stamp.position,
    sourceId: view.proxyId ?? view.appId ?? null,
    mode: view.mode ?? null,
    target: view.target ?? null,
    endpoint: view.endpoint ?? null,
    tls: view.tls === undefined ? null : view.tls ? 1 : 0,
  });
}
