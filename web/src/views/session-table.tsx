// A table of remote sessions: who, from where, when, the bytes each way, why it ended.
import type { JSX } from 'preact';
import { DataTable } from '../data-table.js';
import type { Session as RemoteSession } from '../models.js';
import { Time } from '../ui.js';
import { formatMac } from './device-filters.js';

interface SessionTableProps {
  readonly sessions: readonly RemoteSession[];
  readonly label: string;
  /** Offered per row when given: show that session's timeline. */
  readonly onPick?: (id: string) => void;
}

export function SessionTable({ sessions, label, onPick }: SessionTableProps): JSX.Element {
  return (
    <DataTable
      label={label}
      rows={sessions}
      rowKey={(session) => session.id}
      rowData={(session) => ({ 'data-session': session.id })}
      columns={[
        {
          label: 'Session',
          cell: (session) =>
            onPick === undefined ? (
              <code>{session.id.slice(0, 8)}</code>
            ) : (
              <button type="button" class="small" onClick={() => onPick(session.id)} aria-label={`Timeline of session ${session.id.slice(0, 8)}`}>
                {session.id.slice(0, 8)}
              </button>
            ),
        },
        { label: 'Kind', cell: (session) => session.kind ?? 'devicelink' },
        { label: 'Device', cell: (session) => (session.device === undefined ? '—' : formatMac(session.device)) },
        { label: 'Tenant', cell: (session) => session.tenantId ?? '—' },
        { label: 'State', cell: (session) => session.state },
        { label: 'By', cell: (session) => session.requestedBy.id },
        { label: 'From', cell: (session) => session.clientIP ?? session.userIP ?? '—' },
        { label: 'Port', cell: (session) => `${session.port} → ${session.protocol} ${session.devicePort}` },
        { label: 'Opened', cell: (session) => <Time iso={session.createdTime} /> },
        { label: 'Ended', cell: (session) => <Time iso={session.endTime} /> },
        { label: 'Cause', cell: (session) => <span data-cause>{session.terminationCause ?? '—'}</span> },
        { label: 'Bytes to device', cell: (session) => <span data-bytes-to-device>{session.bytesToDevice}</span> },
        { label: 'Bytes from device', cell: (session) => <span data-bytes-from-device>{session.bytesFromDevice}</span> },
      ]}
    />
  );
}

/** Newest first, the live ones replacing what was read before. */
export function mergeSessions(read: readonly RemoteSession[], live: readonly RemoteSession[]): RemoteSession[] {
  const byId = new Map(read.map((session) => [session.id, session]));
  for (const session of live) byId.set(session.id, session);
  return [...byId.values()].sort((a, b) => (a.createdTime < b.createdTime ? 1 : -1));
}
