// A device's protocol applications: those assigned with their live connection (the hub port
// or URL to use), Connect and Disconnect, and assigning another from the catalogue.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { call } from '../api.js';
import type { Page } from '../models.js';
import type { Session } from '../session.js';
import { Problem, useAction } from '../ui.js';
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
      {assigned.length === 0 ? <p>None assigned.</p> : null}
      <table aria-label="Protocol apps of this device" hidden={assigned.length === 0}>
        <thead>
          <tr>
            <th scope="col">App</th>
            <th scope="col">Type</th>
            <th scope="col">Connection</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {assigned.map((item) => (
            <tr key={item.appId}>
              <td>{item.app.name}</td>
              <td>{item.app.type}</td>
              <td>{item.connection === null ? 'not connected' : (item.connection.url ?? `hub port ${item.connection.port ?? '?'}`)}</td>
              <td>
                {item.connection === null ? (
                  <button type="button" onClick={() => act('POST', `${item.appId}/connect`)}>
                    Connect <span class="visually-hidden">{item.app.name}</span>
                  </button>
                ) : (
                  <button type="button" onClick={() => act('POST', `${item.appId}/disconnect`)}>
                    Disconnect <span class="visually-hidden">{item.app.name}</span>
                  </button>
                )}
                <button type="button" onClick={() => act('DELETE', item.appId)}>
                  Unassign <span class="visually-hidden">{item.app.name}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
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
