// Installing an update as a device does: fetch the binary, check it, hand it to the owner's
// --on-update hook, or keep it in the state directory for whoever installs it there.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { UpdateMessage, UpdateTarget } from '../domain/gateway/job-messages.js';
import { runHook } from './hook-process.js';
import { downloadFile } from './update-download.js';

export interface UpdateSettings {
  /** Shell command given the file as $TETHER_UPDATE_FILE and as its first argument. */
  readonly onUpdate?: string;
  /** Where downloads land, and where they stay when there is no hook. */
  readonly updatesDir: string;
  readonly ca?: string | Buffer;
  readonly hookTimeoutMs?: number;
  readonly log: (line: string) => void;
}

const defaultHookTimeoutMs = 15 * 60_000;

/** `firmware 13r2`, `app devices 13r2` or `software myapps 13r2`, for logs and errors. */
export const describeTarget = (target: UpdateTarget): string =>
  target.kind === 'firmware' ? `firmware ${target.version}` : `${target.kind} ${target.name} ${target.version}`;

const safe = (part: string): string => part.replace(/[^A-Za-z0-9._-]/g, '_');

const fileNameOf = (target: UpdateTarget): string =>
  target.kind === 'firmware' ? `firmware-${safe(target.version)}` : `${target.kind}-${safe(target.name)}-${safe(target.version)}`;

/** Resolves once the update is installed (or stored); throws a TetherError whose message is for people. */
export async function installUpdate(message: UpdateMessage, settings: UpdateSettings): Promise<void> {
  const { target } = message;
  mkdirSync(settings.updatesDir, { recursive: true, mode: 0o700 });
  const file = path.join(settings.updatesDir, fileNameOf(target));
  const partial = `${file}.part`;
  settings.log(`update ${message.jobId}: downloading ${describeTarget(target)} from ${message.url}`);
  const downloaded = await downloadFile(message.url, partial, {
    ...(message.sha256 === undefined ? {} : { sha256: message.sha256 }),
    ...(settings.ca === undefined ? {} : { ca: settings.ca }),
  });
  renameSync(partial, file);
  settings.log(
    `update ${message.jobId}: downloaded ${downloaded.bytes} bytes${message.sha256 === undefined ? '' : ', sha256 verified'}`,
  );
  const hook = settings.onUpdate;
  if (hook === undefined) {
    settings.log(`update ${message.jobId}: no --on-update hook; kept ${file}`);
    return;
  }
  settings.log(`update ${message.jobId}: running the --on-update hook`);
  try {
    await runHook('update hook', `${hook} "$TETHER_UPDATE_FILE"`, {
      env: {
        TETHER_UPDATE_FILE: file,
        TETHER_UPDATE_KIND: target.kind,
        TETHER_UPDATE_VERSION: target.version,
        TETHER_UPDATE_NAME: target.kind === 'firmware' ? '' : target.name,
        TETHER_UPDATE_SHA256: downloaded.sha256,
      },
      timeoutMs: settings.hookTimeoutMs ?? defaultHookTimeoutMs,
    });
  } finally {
    // The hook has installed (or refused) it; a copy left behind would only fill the disk.
    rmSync(file, { force: true });
  }
}
