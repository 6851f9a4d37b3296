// `tether jobs create|ls|show|watch|pause|resume|cancel|retry`: update and backup jobs over
// the REST API. Commands that take a job id find its kind themselves (job-lookup.ts).
import { Command, InvalidArgumentError, Option } from 'commander';
import { calls } from './api-operation.js';
import { formatMac } from '../domain/device/mac.js';
import { JobState } from '../domain/job/job-fields.js';
import type { ClientFlags, JsonFlags } from './client-config.js';
import { clientFrom, withClientOptions } from './client-options.js';
import { limitOption } from './command-arguments.js';
import { jobCreateCommand } from './job-create-command.js';
import { findJob, parseJobId } from './job-lookup.js';
import { plainLine } from './job-progress.js';
import { watchJob } from './job-watch.js';
import { isSuccess, JobPage, JobView, jobKinds, jobsPath, targetOf } from './job-views.js';
import type { JobDetails, JobDevice, JobKind } from './job-views.js';
import { formatFields, formatTable, printJson, printRows } from './output.js';
import type { Column } from './output.js';
import { readPages } from './pages.js';
import { queryString } from './query-string.js';

const jobStates = Object.keys(JobState.keys);

/** `tether jobs watch` exits so when the job ended halted or canceled, or with failed devices. */
export const unsuccessfulExitCode = 2;

const columns: readonly Column<JobView>[] = [
  { title: 'ID', cell: (job) => job.id },
  { title: 'KIND', cell: (job) => job.kind },
  { title: 'STATE', cell: (job) => job.state },
  { title: 'TARGET', cell: (job) => targetOf(job.target) },
  { title: 'TENANTS', cell: (job) => job.tenants.join(',') },
  { title: 'SUCCEEDED', cell: (job) => job.counts.succeeded },
  { title: 'FAILED', cell: (job) => job.counts.failed },
  { title: 'IN-FLIGHT', cell: (job) => job.counts.inFlight },
  { title: 'CREATED', cell: (job) => job.createdAt },
  { title: 'NAME', cell: (job) => job.name },
];

const deviceColumns: readonly Column<JobDevice>[] = [
  { title: 'MAC', cell: (device) => formatMac(device.mac) },
  { title: 'TENANT', cell: (device) => device.tenant },
  { title: 'STATUS', cell: (device) => device.status },
  { title: 'ATTEMPTS', cell: (device) => device.attempts },
  { title: 'FROM', cell: (device) => device.fromVersion },
  { title: 'RESULT', cell: (device) => device.version ?? (device.bytes === undefined ? device.location : `${device.bytes} bytes at ${device.location ?? '?'}`) },
  { title: 'SETTLED', cell: (device) => device.settledAt },
  { title: 'ERROR', cell: (device) => (device.error === undefined ? undefined : `${device.cause ?? 'error'}: ${device.error}`) },
];

interface ListOptions extends ClientFlags {
  readonly kind?: JobKind;
  readonly state?: string;
  readonly limit?: number;
  readonly json?: boolean;
}

async function runList(options: ListOptions): Promise<void> {
  const { client } = clientFrom(options);
  const { state, limit: wanted } = options;
  const lists = await Promise.all(
    (options.kind === undefined ? jobKinds : [options.kind]).map((kind) =>
      readPages((before, limit) => client.call('GET', `${jobsPath(kind)}${queryString({ state, limit, before })}`, JobPage), wanted),
    ),
  );
  // Each list is newest first; so is their merge.
  const jobs = lists.flat().sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0)).slice(0, wanted);
  printRows(jobs, columns, options.json === true);
}

function thresholdOf({ errorThreshold: threshold }: JobView): string | undefined {
  if (threshold === undefined) return undefined;
  return `${threshold.percent}% failed${threshold.minSettled === undefined ? '' : `, after ${threshold.minSettled} settled`}`;
}

function jobFields(job: JobDetails): string {
  return formatFields([
    ['job', `${job.id} (${job.kind})`],
    ['name', job.name],
    ['state', job.state],
    ['target', targetOf(job.target)],
    ['tenants', job.tenants.join(', ')],
    ['categories', job.categories.length === 0 ? 'any' : job.categories.join(', ')],
    ['concurrency', job.concurrency],
    ['timeout', `${job.timeoutMs} ms`],
    ['halt above', thresholdOf(job)],
    ['created', `${job.createdAt} by ${job.createdBy.id} (${job.createdBy.role})`],
    ['started', job.startedAt],
    ['finished', job.finishedAt],
    ['run', job.pass],
    ['progress', plainLine(job)],
  ]);
}

interface ShowOptions extends ClientFlags {
  readonly at?: string;
  readonly status?: string;
  readonly json?: boolean;
}

async function runShow(id: string, options: ShowOptions): Promise<void> {
  const { client } = clientFrom(options);
  const { job } = await findJob(client, id, queryString({ at: options.at, status: options.status }));
  if (options.json === true) return printJson(job);
  process.stdout.write(`${jobFields(job)}\n${formatTable(job.devices, deviceColumns)}`);
}

interface WatchOptions extends ClientFlags {
  readonly interval: number;
  readonly json?: boolean;
}

async function runWatch(id: string, options: WatchOptions): Promise<void> {
  const { client } = clientFrom(options);
  const job = await watchJob(client, id, { intervalMs: options.interval, ...(options.json === undefined ? {} : { json: options.json }) });
  if (!isSuccess(job)) process.exitCode = unsuccessfulExitCode;
}

async function runAction(action: string, id: string, options: JsonFlags): Promise<void> {
  const { client } = clientFrom(options);
  const { kind, path } = await findJob(client, id, '?status=in-flight');
  const job = await client.call('POST', `${path}/${action}`, JobView);
  if (options.json === true) return printJson(job);
  process.stdout.write(`${kind} job ${job.id} ${job.state}\n`);
}

const idArgument = (command: Command): Command => command.argument('<id>', 'the job id (`tether jobs ls` lists them)', parseJobId);

const listCommand = (): Command =>
  calls(
    withClientOptions(
      new Command('ls')
        .description('list update and backup jobs, newest first')
        .addOption(new Option('--kind <kind>', 'only jobs of this kind').choices(jobKinds))
        .addOption(new Option('--state <state>', 'only jobs in this state').choices(jobStates))
        .addOption(limitOption())
        .option('--json', 'one JSON object per job and line, as the hub answers it'),
    ),
    'GET /api/v1/update-jobs',
    'GET /api/v1/backup-jobs',
  ).action((options: ListOptions) => runList(options));

const showCommand = (): Command =>
  calls(
    withClientOptions(
      idArgument(new Command('show').description("show a job with each device's status, result and error"))
        .option('--at <time>', 'as it was at this moment (ISO 8601, e.g. 2026-01-31T08:00:00Z); auditors and admins')
        .addOption(new Option('--status <status>', 'only the devices with this status').choices(['in-flight', 'succeeded', 'failed']))
        .option('--json', 'print the job and its devices as one JSON object'),
    ),
    'GET /api/v1/update-jobs/{id}',
    'GET /api/v1/backup-jobs/{id}',
  ).action((id: string, options: ShowOptions) => runShow(id, options));

function parseInterval(value: string): number {
  const ms = /^[0-9]{1,6}$/.test(value) ? Number(value) : 0;
  if (ms < 100 || ms > 60_000) throw new InvalidArgumentError('expected milliseconds, from 100 to 60000');
  return ms;
}

const watchCommand = (): Command =>
  calls(
    withClientOptions(
      idArgument(new Command('watch').description("follow a job's progress until its run is over"))
        .addOption(new Option('--interval <ms>', 'how often to ask the hub').argParser(parseInterval).default(1000))
        .option('--json', 'one JSON object per change of the job, as the hub answers it'),
    ),
    'GET /api/v1/update-jobs/{id}',
    'GET /api/v1/backup-jobs/{id}',
  )
    .addHelpText(
      'after',
      `
At a terminal a bar is redrawn in place:
  running  [##########..........] 12/24 succeeded 10 failed 2 in flight 12
otherwise one line is printed per change:
  running: 12 of 24 devices settled, succeeded 10, failed 2, in flight 12
The bar counts the devices settled (succeeded or failed) of those the job has dispatched
so far; the hub learns of devices as they come online, so that total can grow.

Exit status: 0 when the job completed and no device failed; ${unsuccessfulExitCode} when it ended halted
or canceled, or completed with failed devices; 1 on any error (the job not found, the hub
unreachable or refusing).`,
    )
    .action((id: string, options: WatchOptions) => runWatch(id, options));

const actionCommand = (action: string, description: string): Command =>
  calls(
    withClientOptions(idArgument(new Command(action).description(description)).option('--json', 'print the job as it is after, as one JSON object')),
    `POST /api/v1/update-jobs/{id}/${action}`,
    `POST /api/v1/backup-jobs/{id}/${action}`,
  ).action(
    (id: string, options: JsonFlags) => runAction(action, id, options),
  );

export const jobsCommand = (): Command =>
  new Command('jobs')
    .description('update and backup jobs: create, list, show, watch, pause, resume, cancel, retry')
    .addCommand(jobCreateCommand())
    .addCommand(listCommand())
    .addCommand(showCommand())
    .addCommand(watchCommand())
    .addCommand(actionCommand('pause', 'pause a running job: no more devices are dispatched; those in flight still settle'))
    .addCommand(actionCommand('resume', 'resume a paused job'))
    .addCommand(actionCommand('cancel', 'cancel a job for good; devices in flight still settle'))
    .addCommand(actionCommand('retry', 'try the failed devices again, in a new run'));
