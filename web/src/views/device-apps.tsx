// A device's protocol applications: those assigned with their live connection (the hub port
// or URL to use), Connect and Disconnect, and assigning another from the catalogue. Shown to
// those who may assign them.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { call } from '../api.js';
import { DataTable } from '../data-table.js';
import type { Page } from '../models.js';
import type { Session } from '../session.js';
import { Problem, RowButton, useAction } from '../ui.js';
import type { ProtocolApp } from './protocol-apps.js';

interface DeviceApp {
  readonly appId: string;
  readonly app: ProtocolApp;
  readonly connection: { readonly port?: number; readonly url?: string } | null;
}

export function DeviceApps({ mac, session }: { readonly mac: string; readonly session: Session }): JSX.Element {
  const [assigned, setAssigned] = useState<readonly DeviceApp[]>([]);
  const [catalogue, setCatalogue] = useState<readonly ProtocolApp[]>([]);
  const [chosen, setChosen] = useState('');
  const action = useAction();
  const path = `/devices/${mac}/protocol-apps`;
  const reload = async (): Promise<void> => {
    setAssigned((await call<{ items: DeviceApp[] }>(session, 'GET', path)).items);
    setCatalogue((await call<Page<ProtocolApp>>(session, 'GET', '/protocol-apps?limit=500')).items);
  };
  useEffect(() => {
    void action.run(reload);
  }, [mac]);
  const act = (method: string, suffix: string): void => {
    void action.run(async () => {
      await call(session, method, `${path}/${suffix}`);
      await reload();
    });
  };
  const assignable = catalogue.filter((app) => !assigned.some((item) => item.appId === app.id));
  const pick = chosen === '' ? (assignable[0]?.id ?? '') : chosen;
  return (
    <section aria-labelledby="device-apps-title">
      <h2 id="device-apps-title">Protocol apps</h2>
      <Problem error={action.error} />
      <DataTable
        label="Protocol apps of this device"
        rows={assigned}
        rowKey={(item) => item.appId}
        empty="None assigned."
        columns={[
          { label: 'App', cell: (item) => item.app.name },
          { label: 'Type', cell: (item) => item.app.type },
          { label: 'Connection', cell: (item) => (item.connection === null ? 'not connected' : (item.connection.url ?? `hub port ${item.connection.port ?? '?'}`)) },
          {
            label: 'Actions',
            cell: (item) => (
              <>
                {item.connection === null
                  ? session.may('protocolAppConnection', 'create') && <RowButton verb="Connect" subject={item.app.name} onClick={() => act('POST', `${item.appId}/connect`)} />
                  : session.may('protocolAppConnection', 'delete') && <RowButton verb="Disconnect" subject={item.app.name} onClick={() => act('POST', `${item.appId}/disconnect`)} />}
                <RowButton verb="Unassign" subject={item.app.name} onClick={() => act('DELETE', item.appId)} />
              </>
            ),
          },
        ]}
      />
      {assignable.length === 0 ? null : (
        <form
          class="inline"
          aria-label="Assign a protocol app"
          onSubmit={(event) => {
            event.preventDefault();
            act('PUT', pick);
          }}
        >
          <label>
            App{' '}
            <select value={pick} onChange={(event) => setChosen(event.currentTarget.value)}>
              {assignable.map((app) => (
                <option key={app.id} value={app.id}>
                  {app.name} ({app.type})
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={action.busy}>
            Assign app
          </button>
        </form>
      )}
    </section>
  );
}
