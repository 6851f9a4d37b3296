// Jobs: every update and backup job, live, with its progress bar and actions; a form to
// create an update job, and the firmware/apps/software catalogs to import.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { Resource } from '../../../api/permissions.js';
import { call } from '../api.js';
import { DataTable } from '../data-table.js';
import { ChoiceField, TextField, useSubmit } from '../fields.js';
import type { Options } from '../fields.js';
import type { LiveModels } from '../live.js';
import type { Job } from '../models.js';
import type { Session } from '../session.js';
import { commaList } from '../text.js';
import { Problem, Time, useAction } from '../ui.js';
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

const resourceOf = (job: Job): Resource => (job.kind === 'update' ? 'updateJob' : 'backupJob');

export function JobsView({ session, live }: { readonly session: Session; readonly live: LiveModels }): JSX.Element {
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
      {session.may('updateJob', 'create') ? <UpdateJobForm session={session} /> : null}
      {session.may('backupJob', 'create') ? <BackupJobForm session={session} /> : null}
      <Problem error={action.error} />
      <DataTable
        label="Jobs"
        rows={jobs}
        rowKey={(job) => job.id}
        rowData={(job) => ({ 'data-job': job.name })}
        empty="No jobs yet."
        columns={[
          {
            label: 'Name',
            cell: (job) => (
              <button type="button" class="small" aria-expanded={open === job.id} onClick={() => setOpen(open === job.id ? undefined : job.id)}>
                {job.name}
              </button>
            ),
          },
          { label: 'Kind', cell: (job) => job.kind },
          { label: 'State', cell: (job) => <span data-state={job.state}>{job.state}</span> },
          { label: 'Progress', cell: (job) => <JobProgress job={job} /> },
          { label: 'Succeeded', cell: (job) => job.counts.succeeded },
          { label: 'Failed', cell: (job) => job.counts.failed },
          { label: 'Created', cell: (job) => <Time iso={job.createdAt} /> },
          jobs.some((job) => session.may(resourceOf(job), 'update')) && {
            label: 'Actions',
            cell: (job) =>
              session.may(resourceOf(job), 'update') &&
              (actionsIn[job.state] ?? [])
                .filter((verb) => verb !== 'retry' || job.counts.failed > 0)
                .map((verb) => (
                  <button key={verb} type="button" onClick={() => act(job, verb)} aria-label={`${verb} ${job.name}`}>
                    {verb}
                  </button>
                )),
          },
        ]}
      />
      {shown === undefined ? null : <JobDevices job={shown} session={session} />}
      {session.may('catalog', 'update') ? <CatalogImport session={session} /> : null}
    </section>
  );
}

type TargetKind = 'firmware' | 'app' | 'software';
const targetKinds: Options<TargetKind> = [
  ['firmware', 'firmware'],
  ['app', 'app'],
  ['software', 'software'],
];

function UpdateJobForm({ session }: { readonly session: Session }): JSX.Element {
  const [name, setName] = useState('');
  const [tenants, setTenants] = useState('');
  const [categories, setCategories] = useState('');
  const [kind, setKind] = useState<TargetKind>('firmware');
  const [app, setApp] = useState('');
  const [version, setVersion] = useState('');
  const action = useSubmit(async () => {
    const target = kind === 'firmware' ? { kind, version } : { kind, name: app, version };
    const chosen = commaList(tenants);
    await call(session, 'POST', '/update-jobs', { name, categories: commaList(categories), target, ...(chosen.length === 0 ? {} : { tenants: chosen }) });
    setName('');
  });
  const { errors } = action;
  return (
    <form class="inline" onSubmit={action.submit} aria-labelledby="new-update-job">
      <h2 id="new-update-job">New update job</h2>
      <TextField label="Name" path="body.name" errors={errors} value={name} onInput={setName} />
      <TextField label="Tenants (comma separated; empty: all)" path="body.tenants" errors={errors} value={tenants} onInput={setTenants} />
      <TextField label="Categories" path="body.categories" errors={errors} value={categories} onInput={setCategories} />
      <ChoiceField label="Target" path="body.target.kind" errors={errors} value={kind} options={targetKinds} onChange={setKind} />
      {kind === 'firmware' ? null : <TextField label={kind === 'app' ? 'App' : 'Software'} path="body.target.name" errors={errors} value={app} onInput={setApp} />}
      <TextField label="Version" path="body.target.version" errors={errors} value={version} onInput={setVersion} />
      <button type="submit" disabled={action.busy}>
        Create update job
      </button>
      <Problem error={action.error} />
    </form>
  );
}
