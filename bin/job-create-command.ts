// `tether jobs create update|backup`: one subcommand per kind, each with the options of its
// API body (POST /api/v1/update-jobs, /backup-jobs), so `--help` shows only what applies.
import { Command, Option } from 'commander';
import { calls } from './api-operation.js';
import { parsePositiveCount } from './cli-options.js';
import type { ClientFlags } from './client-config.js';
import { clientFrom, withClientOptions } from './client-options.js';
import { collect } from './command-arguments.js';
import { backupJobBody, needsPassword, parseAppTarget, parsePercent, updateJobBody } from './job-create.js';
import type { BackupCreateOptions, CreateOptions, UpdateCreateOptions } from './job-create.js';
import { parseConcurrency, parseTimeoutMs } from './job-options.js';
import { JobView, jobsPath } from './job-views.js';
import type { JobKind } from './job-views.js';
import { printJson } from './output.js';
import { webdavAuthOptions } from './webdav-auth.js';
import { readPassword } from './password-input.js';

async function create(kind: JobKind, body: Record<string, unknown>, options: CreateOptions & ClientFlags): Promise<void> {
  const { client } = clientFrom(options);
  const job = await client.call('POST', jobsPath(kind), JobView, body);
  if (options.json === true) return printJson(job);
  process.stdout.write(`${kind} job ${job.id} created (${job.state}); follow it with: tether jobs watch ${job.id}\n`);
}

async function runCreateUpdate(options: UpdateCreateOptions & ClientFlags): Promise<void> {
  await create('update', updateJobBody(options), options);
}

async function runCreateBackup(options: BackupCreateOptions & ClientFlags): Promise<void> {
  const password = needsPassword(options) ? await readPassword(`WebDAV password of ${options.username ?? ''}: `, options.passwordStdin === true) : undefined;
  await create('backup', backupJobBody(options, password), options);
}

/** What both kinds are created with. */
const withJobOptions = (command: Command): Command =>
  withClientOptions(
    command
      .requiredOption('--name <name>', 'what the job is called')
      .option('--tenant <id>', "a tenant the job is for; repeat for several (default: a tenant-admin's own tenant)", collect)
      .option('--category <name>', 'devices with this category, reported or set by an admin; repeat for several (a device with any of them qualifies)', collect)
      .option('--any-category', 'every device of the tenants, whatever its categories')
      .addOption(new Option('--concurrency <n>', "devices at once (default: the hub's, 20)").argParser(parseConcurrency))
      .addOption(new Option('--timeout <ms>', "how long a device has to report back before it fails with cause timeout (default: the hub's, 600000)").argParser(parseTimeoutMs))
      .addOption(new Option('--error-threshold <percent>', 'halt the job once more than this share of the devices settled in a run failed').argParser(parsePercent))
      .addOption(new Option('--error-min-settled <n>', '...but only after this many settled (default 1)').argParser(parsePositiveCount))
      .option('--json', 'print the job as one JSON object, as the hub answers it'),
  );

const updateCommand = (): Command =>
  calls(
    withJobOptions(
      new Command('update')
        .description('create an update job: the devices install a firmware, app or software version of the current catalog')
        .addOption(new Option('--firmware <version>', 'the firmware version to install').conflicts(['app', 'software']))
        .addOption(new Option('--app <name@version>', 'the app and version to install, e.g. devices@13r2').argParser(parseAppTarget).conflicts('software'))
        .addOption(new Option('--software <name@version>', 'the software (a software.json id) and version to install, e.g. myappsandroid@13r2').argParser(parseAppTarget)),
    ),
    'POST /api/v1/update-jobs',
  )
    .addHelpText('after', '\nExample:\n  tether jobs create update --name "firmware 13r2" --tenant acme --category phones --firmware 13r2 --concurrency 10')
    .action((options: UpdateCreateOptions & ClientFlags) => runCreateUpdate(options));

const backupCommand = (): Command =>
  calls(
    withJobOptions(
      webdavAuthOptions(
        new Command('backup')
          .description('create a backup job: each device PUTs its configuration to <url>/<tenant>/<mac>/<timestamp> on a WebDAV server')
          .requiredOption('--url <url>', 'the WebDAV collection to store under, http(s)://host/path'),
      ),
    ),
    'POST /api/v1/backup-jobs',
  )
    .addHelpText(
      'after',
      `
With --auth basic or digest the password is asked for at a terminal, without echo, or read
from stdin; the hub seals it before storing it and never shows it again. Example:
  tether jobs create backup --name nightly --tenant acme --any-category \\
    --url https://dav.example/backups --auth digest --username tether --password-stdin < dav-password`,
    )
    .action((options: BackupCreateOptions & ClientFlags) => runCreateBackup(options));

export const jobCreateCommand = (): Command =>
  new Command('create').description('create an update or a backup job').addCommand(updateCommand()).addCommand(backupCommand());
