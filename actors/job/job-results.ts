// A device's update, backup and restore answers, each to the supervisor that asked.
import type { Mac } from '../../domain/device/mac.js';
import type { AgentJobMessage } from '../../domain/gateway/job-messages.js';
import type { BackupJobSupervisor } from '../backup-job/backup-job-supervisor.js';
import type { RestoreRequests } from '../restore/restore-requests.js';
import type { UpdateJobSupervisor } from '../update-job/update-job-supervisor.js';

export interface JobResults {
  jobResult(mac: Mac, message: AgentJobMessage): void;
}

export const jobResultsTo = (updates: UpdateJobSupervisor, backups: BackupJobSupervisor, restores: RestoreRequests): JobResults => ({
  jobResult(mac, message) {
    switch (message.type) {
      case 'update-result':
        updates.result(mac, message);
        return;
      case 'backup-result':
        backups.result(mac, message);
        return;
      case 'restore-result':
        void restores.result(mac, message);
        return;
    }
  },
});
