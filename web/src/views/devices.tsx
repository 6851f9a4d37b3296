// Devices: every device the viewer may see, live from the dashboard, with filters, search,
// sorting and pages (name and site as an admin set them); unassigned ones with Assign (for those who may write).
import type { ComponentChildren, JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { DataTable } from '../data-table.js';
import type { Column } from '../data-table.js';
import { useSubmit } from '../fields.js';
import type { LiveModels } from '../live.js';
import type { Device, Tenant } from '../models.js';
import type { Session } from '../session.js';
import { TenantSelect } from '../tenant-select.js';
import { Link, Problem, Time } from '../ui.js';
import { formatMac, noFilters, selectDevices, sitesOf } from './device-filters.js';
import type { DeviceFilters, DeviceOrder, SortKey } from './device-filters.js';
import { ProvisioningCodes } from './provisioning-codes.js';

const pageSize = 50;

const sortable: readonly { readonly key: SortKey; readonly label: string; readonly cell: (device: Device) => ComponentChildren }[] = [
  { key: 'mac', label: 'MAC', cell: (device) => <Link href={`/devices/${device.mac}`}>{formatMac(device.mac)}</Link> },
  { key: 'name', label: 'Name', cell: (device) => device.name ?? '—' },
  { key: 'site', label: 'Site', cell: (device) => device.site ?? '—' },
  { key: 'tenant', label: 'Tenant', cell: (device) => device.tenant ?? '—' },
  {
    key: 'state',
    label: 'State',
    cell: (device) => (
      <span class={`state state-${device.state}`} data-state={device.state}>
        {device.state}
      </span>
    ),
  },
  { key: 'model', label: 'Model', cell: (device) => device.model },
  { key: 'firmware', label: 'Firmware', cell: (device) => device.firmware },
  { key: 'lastSeen', label: 'Last seen', cell: (device) => <Time iso={device.lastSeen} /> },
];

export function DevicesView({ session, live }: { readonly session: Session; readonly live: LiveModels }): JSX.Element {
  const [filters, setFilters] = useState<DeviceFilters>(noFilters);
  const [order, setOrder] = useState<DeviceOrder>({ key: 'mac', descending: false });
  const [page, setPage] = useState(0);
  const tenants = live.all<Tenant>('tenants');
  const shown = selectDevices(live.all<Device>('devices'), filters, order);
  const pages = Math.max(1, Math.ceil(shown.length / pageSize));
  const current = Math.min(page, pages - 1);
  const setFilter = (key: keyof DeviceFilters, value: string): void => {
    setFilters({ ...filters, [key]: value });
    setPage(0);
  };
  const filter = (key: keyof DeviceFilters) => (event: Event): void => setFilter(key, (event.currentTarget as HTMLInputElement).value);
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
          <TenantSelect tenants={tenants} value={filters.tenant} onChange={(tenant) => setFilter('tenant', tenant)} any="any" />
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
      <DataTable
        class="devices"
        rows={shown.slice(current * pageSize, (current + 1) * pageSize)}
        rowKey={(device) => device.mac}
        rowData={(device) => ({ 'data-mac': device.mac })}
        columns={[
          ...sortable.map(({ key, label, cell }): Column<Device> => {
            const sort = order.key === key ? (order.descending ? 'descending' : 'ascending') : undefined;
            const header = (
              <button type="button" class="sort" onClick={() => sortBy(key)}>
                {label}
                {sort === undefined ? '' : sort === 'descending' ? ' ▼' : ' ▲'}
              </button>
            );
            return { label, cell, header, ...(sort === undefined ? {} : { sort }) };
          }),
          { label: 'Categories', cell: (device) => [...new Set([...device.categories, ...device.adminCategories])].join(', ') },
          session.may('device', 'update') && {
            label: 'Action',
            cell: (device) => (device.state === 'unassigned' && device.online ? <Assign device={device} session={session} tenants={tenants} /> : null),
          },
        ]}
      />
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
      {session.may('provisioningCode', 'create') ? <ProvisioningCodes session={session} tenants={tenants} /> : null}
    </section>
  );
}

function Assign({ device, session, tenants }: { readonly device: Device; readonly session: Session; readonly tenants: readonly Tenant[] }): JSX.Element {
  const [tenant, setTenant] = useState(tenants[0]?.id ?? '');
  const action = useSubmit(async () => {
    await call(session, 'POST', `/devices/${device.mac}/assign`, { tenant });
  });
  return (
    <form class="inline" onSubmit={action.submit} aria-label={`Assign ${formatMac(device.mac)}`}>
      <TenantSelect label={`Tenant for ${formatMac(device.mac)}`} tenants={tenants} value={tenant} onChange={setTenant} />
      <button type="submit" disabled={action.busy || tenant === ''}>
        Assign
      </button>
      <Problem error={action.error} />
    </form>
  );
}
