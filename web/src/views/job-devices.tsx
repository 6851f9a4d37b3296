// The devices of one job: each one's status, attempts, versions and error. Read when opened
// and again as the job's progress changes.
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { call } from '../api.js';
import { DataTable } from '../data-table.js';
import type { Job } from '../models.js';
import type { Session } from '../session.js';
import { Problem, Time, useAction } from '../ui.js';
import { formatMac } from './device-filters.js';

interface JobDevice {
  readonly mac: string;
  readonly tenant: string;
  readonly status: string;
  readonly attempts: number;
  readonly fromVersion?: string;
  readonly version?: string;
  readonly location?: string;
  readonly cause?: string;
  readonly error?: string;
  readonly settledAt?: string;
}

export function JobDevices({ job, session }: { readonly job: Job; readonly session: Session }): JSX.Element {
  const [devices, setDevices] = useState<readonly JobDevice[]>([]);
  const action = useAction();
  const lastRead = useRef(0);
  // At most one read a second, however fast the job's progress comes in.
  useEffect(() => {
    const timer = setTimeout(
      () => {
        lastRead.current = Date.now();
        void action.run(async () => setDevices((await call<{ devices: JobDevice[] }>(session, 'GET', `/${job.kind}-jobs/${job.id}`)).devices));
      },
      Math.max(0, lastRead.current + 1000 - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [job.id, job.updatedAt]);
  return (
    <section aria-label={`Devices of ${job.name}`}>
      <Problem error={action.error} />
      <DataTable
        label={`Devices of ${job.name}`}
        rows={devices}
        rowKey={(device) => device.mac}
        columns={[
          { label: 'Device', cell: (device) => formatMac(device.mac) },
          { label: 'Tenant', cell: (device) => device.tenant },
          { label: 'Status', cell: (device) => device.status },
          { label: 'Attempts', cell: (device) => device.attempts },
          job.kind === 'update'
            ? { label: 'Version', cell: (device) => `${device.fromVersion ?? '?'} → ${device.version ?? '…'}` }
            : { label: 'File', cell: (device) => device.location ?? '—' },
          { label: 'Error', cell: (device) => (device.error === undefined ? (device.cause ?? '—') : `${device.cause ?? 'error'}: ${device.error}`) },
          { label: 'Settled', cell: (device) => <Time iso={device.settledAt} /> },
        ]}
      />
    </section>
  );
}
