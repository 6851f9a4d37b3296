// Relays: the relay servers, live: load, reporting state, approval; admins approve, reset a
// relay's token (it registers afresh) and delete one.
import type { JSX } from 'preact';
import { call } from '../api.js';
import { DataTable } from '../data-table.js';
import type { LiveModels } from '../live.js';
import type { Session } from '../session.js';
import { Problem, RowButton, Time, useAction } from '../ui.js';

interface Relay {
  readonly name: string;
  readonly state: 'registered' | 'deleted';
  readonly hostName: string;
  readonly port: number;
  readonly maxSessions: number;
  readonly currentNumberOfSessions: number;
  readonly isReporting: boolean;
  readonly approved: boolean;
  readonly lastConnectionTime: string | null;
}

export function RelaysView({ session, live }: { readonly session: Session; readonly live: LiveModels }): JSX.Element {
  const action = useAction();
  const mayUpdate = session.may('relay', 'update');
  const mayDelete = session.may('relay', 'delete');
  const relays = live.all<Relay>('relays').filter((relay) => relay.state !== 'deleted');
  const act = (relay: Relay, method: string, path: string): void => {
    void action.run(async () => {
      await call(session, method, `/relays/${encodeURIComponent(relay.name)}${path}`);
    });
  };
  return (
    <section aria-labelledby="relays-title">
      <h1 id="relays-title">Relays</h1>
      <Problem error={action.error} />
      <DataTable
        label="Relays"
        rows={relays}
        rowKey={(relay) => relay.name}
        rowData={(relay) => ({ 'data-relay': relay.name })}
        empty="No relay has registered."
        columns={[
          { label: 'Name', cell: (relay) => relay.name },
          { label: 'Address', cell: (relay) => `${relay.hostName}:${relay.port}` },
          { label: 'Sessions', cell: (relay) => `${relay.currentNumberOfSessions} / ${relay.maxSessions}` },
          { label: 'Reporting', cell: (relay) => (relay.isReporting ? 'yes' : 'no') },
          { label: 'Approved', cell: (relay) => (relay.approved ? 'yes' : 'no') },
          { label: 'Last connection', cell: (relay) => <Time iso={relay.lastConnectionTime} /> },
          (mayUpdate || mayDelete) && {
            label: 'Actions',
            cell: (relay) => (
              <>
                {mayUpdate && !relay.approved && <RowButton verb="Approve" subject={relay.name} onClick={() => act(relay, 'POST', '/approve')} />}
                {mayUpdate && <RowButton verb="Reset token" subject={`of ${relay.name}`} onClick={() => act(relay, 'POST', '/reset-token')} />}
                {mayDelete && <RowButton verb="Delete" subject={relay.name} onClick={() => act(relay, 'DELETE', '')} />}
              </>
            ),
          },
        ]}
      />
    </section>
  );
}
