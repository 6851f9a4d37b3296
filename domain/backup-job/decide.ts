import type { DecisionContext } from '../aggregate.js';
import { TetherError } from '../errors.js';
import { checkJobBasics } from '../job/check-basics.js';
import type { JobCommand } from '../job/job-commands.js';
import { decideJobLifecycle, jobStateOf } from '../job/job-decide.js';
import type { JobSnapshot } from '../job/job-decide.js';
import type { BackupJobEvent } from '../job/job-events.js';
import { maxBaseUrlLength } from '../gateway/field-limits.js';
import { isBackupTargetUrl } from './backup-location.js';

export function decideBackupJob(state: JobSnapshot, command: JobCommand, decision: DecisionContext): readonly BackupJobEvent[] {
  if (command.type === 'CreateUpdateJob') throw new TetherError('validation_failed', 'a backup job cannot be created as an update job', ['type']);
  if (command.type !== 'CreateBackupJob') {
    if (state.context.spec.kind !== 'backup' && jobStateOf(state) !== undefined) throw new TetherError('not_found', 'no such backup job');
    return decideJobLifecycle(state, command, decision);
  }
  if (jobStateOf(state) !== undefined) throw new TetherError('already_exists', `backup job ${command.jobId} already exists`);
  checkJobBasics(command);
  const { target, sealedPassword } = command;
  if (!isBackupTargetUrl(target.url)) {
    throw new TetherError('validation_failed', `target.url must be an absolute http or https URL without credentials, query or fragment, of at most ${maxBaseUrlLength} characters`, ['target.url']);
  }
  const authenticated = target.auth !== 'none';
  if (authenticated !== (target.username !== undefined) || authenticated !== (sealedPassword !== undefined)) {
    throw new TetherError('validation_failed', 'basic and digest need a username and a password, and auth none neither', ['target.username', 'target.password']);
  }
  const { type: _type, errorThreshold, sealedPassword: _sealed, target: _target, ...basics } = command;
  return [
    {
      type: 'BackupJobCreated',
      data: {
        ...basics,
        tenants: [...basics.tenants],
        categories: [...basics.categories],
        spec: { kind: 'backup', target: { ...target }, ...(sealedPassword === undefined ? {} : { sealedPassword }) },
        createdAt: decision.now.toISOString(),
        createdBy: { id: decision.principal.id, role: decision.principal.role },
        ...(errorThreshold === undefined ? {} : { errorThreshold }),
      },
    },
  ];
}
