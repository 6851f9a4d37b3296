// The devices of one job: each one's status, attempts, versions and error. Read when opened
// and again as the job's progress changes.
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { call } from '../api.js';
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
      <table aria-label={`Devices of ${job.name}`}>
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">Tenant</th>
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col">{job.kind === 'update' ? 'Version' : 'File'}</th>
            <th scope="col">Error</th>
            <th scope="col">Settled</th>
          </tr>
        </thead>
        <tbody>
          {devices.map((device) => (
            <tr key={device.mac}>
              <td>{formatMac(device.mac)}</td>
              <td>{device.tenant}</td>
              <td>{device.status}</td>
              <td>{device.attempts}</td>
              <td>{job.kind === 'update' ? `${device.fromVersion ?? '?'} → ${device.version ?? '…'}` : (device.location ?? '—')}</td>
              <td>{device.error === undefined ? (device.cause ?? '—') : `${device.cause ?? 'error'}: ${device.error}`}</td>
              <td>
                <Time iso={device.settledAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
