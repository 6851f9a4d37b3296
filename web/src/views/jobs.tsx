// Jobs: every update and backup job, live, with its progress bar and actions; a form to
// create an update job, and the firmware/apps/software catalogs to import.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import type { LiveModels } from '../live.js';
import type { Job } from '../models.js';
import { canWrite } from '../session.js';
import type { Session } from '../session.js';
import { Field, Problem, Time, fieldErrors, useAction, useLive } from '../ui.js';
import { BackupJobForm } from './backup-job-form.js';
import { CatalogImport } from './catalog-import.js';
import { JobDevices } from './job-devices.js';
import { JobProgress } from './job-progress.js';

const actionsIn: Readonly<Record<string, readonly string[]>> = {
  queued: ['pause', 'cancel'],
  running: ['pause', 'cancel'],
  paused: ['resume', 'cancel'],
  completed: ['retry'],
  halted: ['retry', 'cancel'],
  canceled: [],
};

const list = (text: string): string[] => text.split(',').map((part) => part.trim()).filter((part) => part !== '');

export function JobsView({ session, live }: { readonly session: Session; readonly live: LiveModels }): JSX.Element {
  useLive(live);
  const jobs = [...live.all<Job>('jobs')].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
  const [open, setOpen] = useState<string | undefined>(undefined);
  const shown = jobs.find((job) => job.id === open);
  const action = useAction();
  const act = (job: Job, verb: string): void => {
    void action.run(async () => {
      await call(session, 'POST', `/${job.kind}-jobs/${job.id}/${verb}`);
    });
  };
  return (
    <section aria-labelledby="jobs-title">
      <h1 id="jobs-title">Jobs</h1>
      {canWrite(session) ? <UpdateJobForm session={session} /> : null}
      {canWrite(session) ? <BackupJobForm session={session} /> : null}
      <Problem error={action.error} />
      <table aria-label="Jobs">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col">State</th>
            <th scope="col">Progress</th>
            <th scope="col">Succeeded</th>
            <th scope="col">Failed</th>
            <th scope="col">Created</th>
            {canWrite(session) ? <th scope="col">Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => (
            <tr key={job.id} data-job={job.name}>
              <td>
                <button type="button" class="small" aria-expanded={open === job.id} onClick={() => setOpen(open === job.id ? undefined : job.id)}>
                  {job.name}
                </button>
              </td>
              <td>{job.kind}</td>
              <td data-state={job.state}>{job.state}</td>
              <td>
                <JobProgress job={job} />
              </td>
              <td>{job.counts.succeeded}</td>
              <td>{job.counts.failed}</td>
              <td>
                <Time iso={job.createdAt} />
              </td>
              {canWrite(session) ? (
                <td>
                  {(actionsIn[job.state] ?? []).filter((verb) => verb !== 'retry' || job.counts.failed > 0).map((verb) => (
                    <button key={verb} type="button" onClick={() => act(job, verb)} aria-label={`${verb} ${job.name}`}>
                      {verb}
                    </button>
                  ))}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {jobs.length === 0 ? <p>No jobs yet.</p> : null}
      {shown === undefined ? null : <JobDevices job={shown} session={session} />}
      {session.role === 'admin' ? <CatalogImport session={session} /> : null}
    </section>
  );
}

type TargetKind = 'firmware' | 'app' | 'software';
const targetKindOf = (value: string): TargetKind => (value === 'app' || value === 'software' ? value : 'firmware');

function UpdateJobForm({ session }: { readonly session: Session }): JSX.Element {
  const [name, setName] = useState('');
  const [tenants, setTenants] = useState('');
  const [categories, setCategories] = useState('');
  const [kind, setKind] = useState<TargetKind>('firmware');
  const [app, setApp] = useState('');
  const [version, setVersion] = useState('');
  const action = useAction();
  const errors = fieldErrors(action.error);
  const create = (event: Event): void => {
    event.preventDefault();
    void action.run(async () => {
      const target = kind === 'firmware' ? { kind, version } : { kind, name: app, version };
      const chosen = list(tenants);
      await call(session, 'POST', '/update-jobs', { name, categories: list(categories), target, ...(chosen.length === 0 ? {} : { tenants: chosen }) });
      setName('');
    });
  };
  return (
    <form class="inline" onSubmit={create} aria-labelledby="new-update-job">
      <h2 id="new-update-job">New update job</h2>
      <Field label="Name" path="body.name" errors={errors}>
        {(id, describedBy) => <input id={id} aria-describedby={describedBy} value={name} onInput={(event) => setName(event.currentTarget.value)} />}
      </Field>
      <Field label="Tenants (comma separated; empty: all)" path="body.tenants" errors={errors}>
        {(id, describedBy) => <input id={id} aria-describedby={describedBy} value={tenants} onInput={(event) => setTenants(event.currentTarget.value)} />}
      </Field>
      <Field label="Categories" path="body.categories" errors={errors}>
        {(id, describedBy) => <input id={id} aria-describedby={describedBy} value={categories} onInput={(event) => setCategories(event.currentTarget.value)} />}
      </Field>
      <Field label="Target" path="body.target.kind" errors={errors}>
        {(id) => (
          <select id={id} value={kind} onChange={(event) => setKind(targetKindOf(event.currentTarget.value))}>
            <option value="firmware">firmware</option>
            <option value="app">app</option>
            <option value="software">software</option>
          </select>
        )}
      </Field>
      {kind !== 'firmware' ? (
        <Field label={kind === 'app' ? 'App' : 'Software'} path="body.target.name" errors={errors}>
          {(id, describedBy) => <input id={id} aria-describedby={describedBy} value={app} onInput={(event) => setApp(event.currentTarget.value)} />}
        </Field>
      ) : null}
      <Field label="Version" path="body.target.version" errors={errors}>
        {(id, describedBy) => <input id={id} aria-describedby={describedBy} value={version} onInput={(event) => setVersion(event.currentTarget.value)} />}
      </Field>
      <button type="submit" disabled={action.busy}>
        Create update job
      </button>
      <Problem error={action.error} />
    </form>
  );
}
