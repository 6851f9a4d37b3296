// One session's timeline: every event of it with who, from where and when; bytes per
// direction and why it ended are in its events' data.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { call } from '../api.js';
import { DataTable } from '../data-table.js';
import type { Session } from '../session.js';
import { Problem, Time, useAction } from '../ui.js';

interface Entry {
  readonly position: number;
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly who: { readonly id: string; readonly role: string };
  readonly ip?: string;
  readonly at: string;
}

const facts = (data: Readonly<Record<string, unknown>>): string =>
  Object.entries(data)
    .filter(([, value]) => typeof value !== 'object')
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(' ');

export function SessionTimeline({ id, session }: { readonly id: string; readonly session: Session }): JSX.Element {
  const [entries, setEntries] = useState<readonly Entry[]>([]);
  const action = useAction();
  useEffect(() => {
    void action.run(async () => setEntries((await call<{ events: Entry[] }>(session, 'GET', `/sessions/${encodeURIComponent(id)}/timeline`)).events));
  }, [id]);
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline of session {id.slice(0, 8)}</h2>
      <Problem error={action.error} />
      <DataTable
        label="Session timeline"
        rows={entries}
        rowKey={(entry) => entry.position}
        columns={[
          { label: 'When', cell: (entry) => <Time iso={entry.at} /> },
          { label: 'What', cell: (entry) => entry.type },
          { label: 'Who', cell: (entry) => `${entry.who.id} (${entry.who.role})` },
          { label: 'From', cell: (entry) => entry.ip ?? '—' },
          { label: 'Details', cell: (entry) => <code>{facts(entry.data)}</code> },
        ]}
      />
    </section>
  );
}
