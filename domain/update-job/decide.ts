import type { DecisionContext } from '../aggregate.js';
import { TetherError } from '../errors.js';
import { UpdateTarget } from '../gateway/job-messages.js';
import { checkJobBasics } from '../job/check-basics.js';
import type { JobCommand } from '../job/job-commands.js';
import { decideJobLifecycle, jobStateOf } from '../job/job-decide.js';
import type { JobSnapshot } from '../job/job-decide.js';
import type { UpdateJobEvent } from '../job/job-events.js';

export function decideUpdateJob(state: JobSnapshot, command: JobCommand, decision: DecisionContext): readonly UpdateJobEvent[] {
  if (command.type === 'CreateBackupJob') throw new TetherError('validation_failed', 'an update job cannot be created as a backup job', ['type']);
  if (command.type !== 'CreateUpdateJob') {
    if (state.context.spec.kind !== 'update' && jobStateOf(state) !== undefined) throw new TetherError('not_found', 'no such update job');
    return decideJobLifecycle(state, command, decision);
  }
  if (jobStateOf(state) !== undefined) throw new TetherError('already_exists', `update job ${command.jobId} already exists`);
  checkJobBasics(command);
  if (!UpdateTarget.is(command.target)) throw new TetherError('validation_failed', 'invalid target', ['target']);
  if (Object.keys(command.artifacts).length === 0) throw new TetherError('validation_failed', 'the target has no binary in the catalog', ['target']);
  const { type: _type, target, artifacts, errorThreshold, ...basics } = command;
  return [
    {
      type: 'UpdateJobCreated',
      data: {
        ...basics,
        tenants: [...basics.tenants],
        categories: [...basics.categories],
        spec: { kind: 'update', target, artifacts: { ...artifacts } },
        createdAt: decision.now.toISOString(),
        createdBy: { id: decision.principal.id, role: decision.principal.role },
        ...(errorThreshold === undefined ? {} : { errorThreshold }),
      },
    },
  ];
}
