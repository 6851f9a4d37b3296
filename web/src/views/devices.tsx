// Devices: every device the viewer may see, live from the dashboard, with filters, search,
// sorting and pages (name and site as an admin set them); unassigned ones with Assign (for those who may write).
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import type { LiveModels } from '../live.js';
import type { Device, Tenant } from '../models.js';
import { canWrite } from '../session.js';
import type { Session } from '../session.js';
import { Link, Problem, Time, useAction, useLive } from '../ui.js';
import { formatMac, noFilters, selectDevices, sitesOf } from './device-filters.js';
import type { DeviceFilters, DeviceOrder, SortKey } from './device-filters.js';
import { ProvisioningCodes } from './provisioning-codes.js';

const pageSize = 50;

const columns: readonly { readonly key: SortKey; readonly label: string }[] = [
  { key: 'mac', label: 'MAC' },
  { key: 'name', label: 'Name' },
  { key: 'site', label: 'Site' },
  { key: 'tenant', label: 'Tenant' },
  { key: 'state', label: 'State' },
  { key: 'model', label: 'Model' },
  { key: 'firmware', label: 'Firmware' },
  { key: 'lastSeen', label: 'Last seen' },
];

export function DevicesView({ session, live }: { readonly session: Session; readonly live: LiveModels }): JSX.Element {
  useLive(live);
  const [filters, setFilters] = useState<DeviceFilters>(noFilters);
  const [order, setOrder] = useState<DeviceOrder>({ key: 'mac', descending: false });
  const [page, setPage] = useState(0);
  const tenants = live.all<Tenant>('tenants');
  const shown = selectDevices(live.all<Device>('devices'), filters, order);
  const pages = Math.max(1, Math.ceil(shown.length / pageSize));
  const current = Math.min(page, pages - 1);
  const filter = (key: keyof DeviceFilters) => (event: Event): void => {
    setFilters({ ...filters, [key]: (event.currentTarget as HTMLInputElement).value });
    setPage(0);
  };
  const sortBy = (key: SortKey): void => setOrder({ key, descending: order.key === key && !order.descending });

  return (
    <section aria-labelledby="devices-title">
      <h1 id="devices-title">Devices</h1>
      <form class="filters" role="search" aria-label="Filter devices" onSubmit={(event) => event.preventDefault()}>
        <label>
          Search <input type="search" value={filters.q} onInput={filter('q')} />
        </label>
        <label>
          Tenant{' '}
          <select value={filters.tenant} onChange={filter('tenant')}>
            <option value="">any</option>
            {tenants.map((tenant) => (
              <option key={tenant.id} value={tenant.id}>
                {tenant.id}
              </option>
            ))}
          </select>
        </label>
        <label>
          State{' '}
          <select value={filters.state} onChange={filter('state')}>
            <option value="">any</option>
            <option value="online">online</option>
            <option value="offline">offline</option>
            <option value="unassigned">unassigned</option>
          </select>
        </label>
        <label>
          Site{' '}
          <select value={filters.site} onChange={filter('site')}>
            <option value="">any</option>
            {sitesOf(live.all<Device>('devices')).map((site) => (
              <option key={site} value={site}>
                {site}
              </option>
            ))}
          </select>
        </label>
        <label>
          Category <input value={filters.category} onInput={filter('category')} />
        </label>
        <label>
          Model <input value={filters.model} onInput={filter('model')} />
        </label>
        <label>
          Firmware <input value={filters.firmware} onInput={filter('firmware')} />
        </label>
      </form>
      <p class="count">
        {shown.length} of {live.all('devices').length} devices
      </p>
      <table class="devices">
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.key} scope="col" aria-sort={order.key === column.key ? (order.descending ? 'descending' : 'ascending') : undefined}>
                <button type="button" class="sort" onClick={() => sortBy(column.key)}>
                  {column.label}
                  {order.key === column.key ? (order.descending ? ' ▼' : ' ▲') : ''}
                </button>
              </th>
            ))}
            <th scope="col">Categories</th>
            {canWrite(session) ? <th scope="col">Action</th> : null}
          </tr>
        </thead>
        <tbody>
          {shown.slice(current * pageSize, (current + 1) * pageSize).map((device) => (
            <DeviceRow key={device.mac} device={device} session={session} tenants={tenants} />
          ))}
        </tbody>
      </table>
      <nav class="pages" aria-label="Device pages">
        <button type="button" disabled={current === 0} onClick={() => setPage(current - 1)}>
          Previous
        </button>
        <span>
          Page {current + 1} of {pages}
        </span>
        <button type="button" disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>
          Next
        </button>
      </nav>
      {session.role === 'auditor' ? null : <ProvisioningCodes session={session} tenants={tenants} />}
    </section>
  );
}

function DeviceRow({ device, session, tenants }: { readonly device: Device; readonly session: Session; readonly tenants: readonly Tenant[] }): JSX.Element {
  return (
    <tr data-mac={device.mac}>
      <td>
        <Link href={`/devices/${device.mac}`}>{formatMac(device.mac)}</Link>
      </td>
      <td>{device.name ?? '—'}</td>
      <td>{device.site ?? '—'}</td>
      <td>{device.tenant ?? '—'}</td>
      <td>
        <span class={`state state-${device.state}`} data-state={device.state}>
          {device.state}
        </span>
      </td>
      <td>{device.model}</td>
      <td>{device.firmware}</td>
      <td>
        <Time iso={device.lastSeen} />
      </td>
      <td>{[...new Set([...device.categories, ...device.adminCategories])].join(', ')}</td>
      {canWrite(session) ? <td>{device.state === 'unassigned' && device.online ? <Assign device={device} session={session} tenants={tenants} /> : null}</td> : null}
    </tr>
  );
}

function Assign({ device, session, tenants }: { readonly device: Device; readonly session: Session; readonly tenants: readonly Tenant[] }): JSX.Element {
  const [tenant, setTenant] = useState(tenants[0]?.id ?? '');
  const action = useAction();
  const assign = (event: Event): void => {
    event.preventDefault();
    void action.run(async () => {
      await call(session, 'POST', `/devices/${device.mac}/assign`, { tenant });
    });
  };
  return (
    <form class="inline" onSubmit={assign} aria-label={`Assign ${formatMac(device.mac)}`}>
      <select aria-label={`Tenant for ${formatMac(device.mac)}`} value={tenant} onChange={(event) => setTenant(event.currentTarget.value)}>
        {tenants.map((option) => (
          <option key={option.id} value={option.id}>
            {option.id}
          </option>
        ))}
      </select>
      <button type="submit" disabled={action.busy || tenant === ''}>
        Assign
      </button>
      <Problem error={action.error} />
    </form>
  );
}
