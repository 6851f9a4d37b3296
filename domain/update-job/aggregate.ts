import type { Aggregate } from '../aggregate.js';
import { isActive } from '../job/job-decide.js';
import { jobDeadlines } from '../job/job-deadlines.js';
import { asJobEvents, UpdateJobEvent } from '../job/job-events.js';
import { createJobMachine } from '../job/job-machine.js';
import type { JobMachine } from '../job/job-machine.js';
import type { JobCommand } from '../job/job-commands.js';
import { decideUpdateJob } from './decide.js';

export const updateJobMachine: JobMachine = createJobMachine('updatejob');

/** Streams `updatejob-<uuid>`. Its attempts time out by the runtime's deadlines (job-deadlines.ts). */
export const updateJobAggregate: Aggregate<JobMachine, JobCommand> = {
  category: 'updatejob',
  machine: updateJobMachine,
  events: asJobEvents('UpdateJobEvent', UpdateJobEvent),
  decide: decideUpdateJob,
  // A running job, or one with devices in flight, is worked on all the time.
  keepResident: isActive,
  deadlines: jobDeadlines,
};
