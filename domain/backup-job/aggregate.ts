import type { Aggregate } from '../aggregate.js';
import { isActive } from '../job/job-decide.js';
import { jobDeadlines } from '../job/job-deadlines.js';
import { asJobEvents, BackupJobEvent } from '../job/job-events.js';
import { createJobMachine } from '../job/job-machine.js';
import type { JobMachine } from '../job/job-machine.js';
import type { JobCommand } from '../job/job-commands.js';
import { decideBackupJob } from './decide.js';

export const backupJobMachine: JobMachine = createJobMachine('backupjob');

/** Streams `backupjob-<uuid>`. Its attempts time out by the runtime's deadlines (job-deadlines.ts). */
export const backupJobAggregate: Aggregate<JobMachine, JobCommand> = {
  category: 'backupjob',
  machine: backupJobMachine,
  events: asJobEvents('BackupJobEvent', BackupJobEvent),
  decide: decideBackupJob,
  keepResident: isActive,
  deadlines: jobDeadlines,
};
