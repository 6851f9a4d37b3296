// A table of remote sessions: who, from where, when, the bytes each way, why it ended.
import type { JSX } from 'preact';
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
    <table aria-label={label}>
      <thead>
        <tr>
          <th scope="col">Session</th>
          <th scope="col">Kind</th>
          <th scope="col">Device</th>
          <th scope="col">Tenant</th>
          <th scope="col">State</th>
          <th scope="col">By</th>
          <th scope="col">From</th>
          <th scope="col">Port</th>
          <th scope="col">Opened</th>
          <th scope="col">Ended</th>
          <th scope="col">Cause</th>
          <th scope="col">Bytes to device</th>
          <th scope="col">Bytes from device</th>
        </tr>
      </thead>
      <tbody>
        {sessions.map((session) => (
          <tr key={session.id} data-session={session.id}>
            <td>
              {onPick === undefined ? (
                <code>{session.id.slice(0, 8)}</code>
              ) : (
                <button type="button" class="small" onClick={() => onPick(session.id)} aria-label={`Timeline of session ${session.id.slice(0, 8)}`}>
                  {session.id.slice(0, 8)}
                </button>
              )}
            </td>
            <td>{session.kind ?? 'devicelink'}</td>
            <td>{session.device === undefined ? '—' : formatMac(session.device)}</td>
            <td>{session.tenantId ?? '—'}</td>
            <td>{session.state}</td>
            <td>{session.requestedBy.id}</td>
            <td>{session.clientIP ?? session.userIP ?? '—'}</td>
            <td>
              {session.port} → {session.protocol} {session.devicePort}
            </td>
            <td>
              <Time iso={session.createdTime} />
            </td>
            <td>
              <Time iso={session.endTime} />
            </td>
            <td data-cause>{session.terminationCause ?? '—'}</td>
            <td data-bytes-to-device>{session.bytesToDevice}</td>
            <td data-bytes-from-device>{session.bytesFromDevice}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Newest first, the live ones replacing what was read before. */
export function mergeSessions(read: readonly RemoteSession[], live: readonly RemoteSession[]): RemoteSession[] {
  const byId = new Map(read.map((session) => [session.id, session]));
  for (const session of live) byId.set(session.id, session);
  return [...byId.values()].sort((a, b) => (a.createdTime < b.createdTime ? 1 : -1));
}
