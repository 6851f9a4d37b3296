// The hub's update, backup and restore requests, run on the device one of a kind at a time (an
// update never races another; a restore never overlaps a backup). A result goes out on the
// connection that is open when the job ends: the one it came on may have dropped meanwhile.
import type { AgentJobMessage, BackupMessage, HubJobMessage, RestoreMessage, UpdateMessage, UpdateTarget } from '../domain/gateway/job-messages.js';
import { readBackup } from './backup-source.js';
import type { BackupSource } from './backup-source.js';
import { davGet, davPut } from './backup-webdav.js';
import { applyRestore } from './restore-apply.js';
import type { RestoreTarget } from './restore-apply.js';
import { describeTarget, installUpdate } from './update-install.js';
import type { UpdateSettings } from './update-install.js';

export interface DeviceJobsSettings {
  readonly update: Omit<UpdateSettings, 'log' | 'ca'>;
  readonly backup: BackupSource & RestoreTarget;
  readonly ca?: string | Buffer;
  readonly log: (line: string) => void;
  /** false when no connection is open. */
  readonly send: (message: AgentJobMessage) => boolean;
  /** The update is in place: record its version before anything else happens. */
  readonly installed: (target: UpdateTarget) => void;
  /** After a successful update's result went out: reconnect, as a device does after installing. */
  readonly restart: () => void;
}

export interface DeviceJobs {
  handle(message: HubJobMessage): void;
  /** Resolves when every job taken so far has ended. */
  idle(): Promise<void>;
}

const textOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const urlShown = (url: string): string => {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
};

export function deviceJobs(settings: DeviceJobsSettings): DeviceJobs {
  const { log } = settings;
  const dav = settings.ca === undefined ? {} : { ca: settings.ca };
  let updates: Promise<void> = Promise.resolve();
  let transfers: Promise<void> = Promise.resolve();
  // The hub may repeat a request after a reconnect; one run of each is enough.
  const running = new Set<string>();

  const report = (message: AgentJobMessage): void => {
    if (!settings.send(message)) log(`${message.type} could not be sent: no connection to the hub (the next hello tells)`);
  };

  const once = (key: string, chain: Promise<void>, job: () => Promise<void>): Promise<void> => {
    if (running.has(key)) {
      log(`${key} is already under way; the repeated request is ignored`);
      return chain;
    }
    running.add(key);
    return chain
      .then(job)
      .catch((error: unknown) => log(`${key} ended unexpectedly: ${textOf(error)}`))
      .finally(() => running.delete(key));
  };

  async function update(message: UpdateMessage): Promise<void> {
    try {
      await installUpdate(message, { ...settings.update, ...dav, log });
    } catch (error) {
      log(`update ${message.jobId}: ${describeTarget(message.target)} failed: ${textOf(error)}`);
      report({ type: 'update-result', jobId: message.jobId, ok: false, error: textOf(error) });
      return;
    }
    try {
      settings.installed(message.target);
    } catch (error) {
      log(`update ${message.jobId}: installed, but the version could not be recorded: ${textOf(error)}`);
      report({ type: 'update-result', jobId: message.jobId, ok: false, error: `installed, but the version could not be recorded: ${textOf(error)}` });
      return;
    }
    log(`update ${message.jobId}: ${describeTarget(message.target)} installed; reconnecting to report it`);
    report({ type: 'update-result', jobId: message.jobId, ok: true });
    settings.restart();
  }

  async function backup(message: BackupMessage): Promise<void> {
    try {
      const content = await readBackup(settings.backup);
      log(`backup ${message.jobId}: storing ${content.length} bytes at ${urlShown(message.url)} (auth ${message.auth.type})`);
      await davPut(message.url, message.auth, content, dav);
      log(`backup ${message.jobId}: stored`);
      report({ type: 'backup-result', jobId: message.jobId, ok: true, bytes: content.length });
    } catch (error) {
      log(`backup ${message.jobId} failed: ${textOf(error)}`);
      report({ type: 'backup-result', jobId: message.jobId, ok: false, error: textOf(error) });
    }
  }

  async function restore(message: RestoreMessage): Promise<void> {
    try {
      log(`restore ${message.requestId}: fetching ${urlShown(message.url)} (auth ${message.auth.type})`);
      const content = await davGet(message.url, message.auth, dav);
      await applyRestore(content, settings.backup);
      log(`restore ${message.requestId}: ${content.length} bytes restored`);
      report({ type: 'restore-result', requestId: message.requestId, ok: true });
    } catch (error) {
      log(`restore ${message.requestId} failed: ${textOf(error)}`);
      report({ type: 'restore-result', requestId: message.requestId, ok: false, error: textOf(error) });
    }
  }

  return {
    handle(message) {
      switch (message.type) {
        case 'update':
          updates = once(`update ${message.jobId}`, updates, () => update(message));
          return;
        case 'backup':
          transfers = once(`backup ${message.jobId}`, transfers, () => backup(message));
          return;
        case 'restore':
          transfers = once(`restore ${message.requestId}`, transfers, () => restore(message));
          return;
      }
    },
    async idle() {
      await Promise.all([updates, transfers]);
    },
  };
}
