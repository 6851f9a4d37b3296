// One device: its state and inventory (live), its name, site and categories (editable), its connection history and sessions, a
// DeviceLink form for those who may open one, and the device as it was at a chosen time.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { call, query, send } from '../api.js';
import { DataTable } from '../data-table.js';
import { TextField, useSubmit } from '../fields.js';
import type { LiveModels } from '../live.js';
import type { Device, Page, Session as RemoteSession } from '../models.js';
import type { Session } from '../session.js';
import { isoOf } from '../text.js';
import { Problem, Time, useAction } from '../ui.js';
import { DeviceApps } from './device-apps.js';
import { DeviceDetailsForm } from './device-details-form.js';
import { deviceStream, formatMac } from './device-filters.js';
import { DeviceLinkForm } from './device-link-form.js';
import { DeviceRestore } from './device-restore.js';
import { SessionTable, mergeSessions } from './session-table.js';

interface ConnectionEvent {
  readonly type: string;
  readonly data: { readonly ip?: string; readonly cause?: string; readonly at?: string };
}

async function connectionHistory(session: Session, mac: string): Promise<ConnectionEvent[]> {
  const response = await send(session, 'GET', `/audit/events${query({ stream: deviceStream(mac) })}`);
  const lines = (await response.text()).split('\n').filter((line) => line !== '');
  return lines.map((line) => JSON.parse(line) as ConnectionEvent).filter((event) => event.type === 'DeviceConnected' || event.type === 'DeviceDisconnected');
}

export function DeviceView({ mac, session, live }: { readonly mac: string; readonly session: Session; readonly live: LiveModels }): JSX.Element {
  const [fetched, setFetched] = useState<Device | undefined>(undefined);
  const [history, setHistory] = useState<readonly ConnectionEvent[]>([]);
  const [sessions, setSessions] = useState<readonly RemoteSession[]>([]);
  const load = useAction();
  const device = live.get<Device>('devices', mac) ?? fetched;
  const mayReadHistory = session.may('history', 'read');

  useEffect(() => {
    void load.run(async () => {
      setFetched(await call<Device>(session, 'GET', `/devices/${mac}`));
      setSessions((await call<Page<RemoteSession>>(session, 'GET', `/sessions${query({ device: mac, limit: '50' })}`)).items);
      if (mayReadHistory) setHistory(await connectionHistory(session, mac));
    });
  }, [mac]);

  const liveSessions = live.all<RemoteSession>('sessions').filter((remote) => remote.device === mac);
  return (
    <section aria-labelledby="device-title">
      <h1 id="device-title">Device {formatMac(mac)}</h1>
      <Problem error={load.error} />
      {device === undefined ? null : <DeviceFacts device={device} />}
      {session.may('device', 'update') && device !== undefined ? <DeviceDetailsForm key={mac} device={device} session={session} /> : null}
      {session.may('deviceLink', 'create') && device !== undefined ? <DeviceLinkForm mac={mac} session={session} /> : null}
      {session.may('protocolAppAssignment', 'update') && device !== undefined && device.tenant !== null ? <DeviceApps mac={mac} session={session} /> : null}
      {session.may('restore', 'create') && device?.online === true ? <DeviceRestore mac={mac} session={session} /> : null}
      <h2>Sessions</h2>
      <SessionTable sessions={mergeSessions(sessions, liveSessions)} label="Sessions of this device" />
      {mayReadHistory ? <ConnectionHistory events={history} /> : null}
      {mayReadHistory ? <TimeTravel mac={mac} session={session} /> : null}
    </section>
  );
}

function DeviceFacts({ device }: { readonly device: Device }): JSX.Element {
  return (
    <dl class="facts">
      <dt>Name</dt>
      <dd>{device.name ?? '—'}</dd>
      <dt>Site</dt>
      <dd>{device.site ?? '—'}</dd>
      <dt>State</dt>
      <dd>
        <span class={`state state-${device.state}`} data-state={device.state}>
          {device.state}
        </span>
      </dd>
      <dt>Tenant</dt>
      <dd>{device.tenant ?? '—'}</dd>
      <dt>Address</dt>
      <dd>{device.ip ?? '—'}</dd>
      <dt>Connected since</dt>
      <dd>
        <Time iso={device.connectedSince} />
      </dd>
      <dt>Model</dt>
      <dd>{device.model}</dd>
      <dt>Firmware</dt>
      <dd>{device.firmware}</dd>
      <dt>Categories (reported)</dt>
      <dd>{device.categories.join(', ') || '—'}</dd>
      <dt>Categories (set here)</dt>
      <dd>{device.adminCategories.join(', ') || '—'}</dd>
      <dt>Apps</dt>
      <dd>{device.apps.map((app) => `${app.name} ${app.version}`).join(', ') || '—'}</dd>
      <dt>Software</dt>
      <dd>{device.software.map((entry) => `${entry.name} ${entry.version}`).join(', ') || '—'}</dd>
      <dt>Registered</dt>
      <dd>
        <Time iso={device.registeredAt} />
      </dd>
    </dl>
  );
}

function ConnectionHistory({ events }: { readonly events: readonly ConnectionEvent[] }): JSX.Element {
  return (
    <>
      <h2>Connection history</h2>
      <DataTable
        label="Connection history"
        rows={events}
        rowKey={(_event, index) => index}
        columns={[
          { label: 'When', cell: (event) => <Time iso={event.data.at} /> },
          { label: 'What', cell: (event) => (event.type === 'DeviceConnected' ? 'connected' : 'disconnected') },
          { label: 'Address or cause', cell: (event) => event.data.ip ?? event.data.cause ?? '' },
        ]}
      />
    </>
  );
}

function TimeTravel({ mac, session }: { readonly mac: string; readonly session: Session }): JSX.Element {
  const [at, setAt] = useState('');
  const [then, setThen] = useState<Device | undefined>(undefined);
  const action = useSubmit(async () => setThen(await call<Device>(session, 'GET', `/devices/${mac}${query({ at: isoOf(at) })}`)));
  return (
    <section aria-labelledby="time-travel-title">
      <h2 id="time-travel-title">As it was at</h2>
      <form class="inline" onSubmit={action.submit}>
        <TextField label="Time (local)" path="query.at" errors={action.errors} type="datetime-local" required value={at} onInput={setAt} />
        <button type="submit" disabled={action.busy || at === ''}>
          Show
        </button>
      </form>
      <Problem error={action.error} />
      {then === undefined ? null : <DeviceFacts device={then} />}
    </section>
  );
}
