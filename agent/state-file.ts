// The device password is the device's only proof of identity: it lives in a file only the
// agent's user can read, and is replaced atomically so a crash never leaves half a file. The
// versions an update installed live there too, so the device reports them after a restart.
import { chmodSync, closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';

export interface AgentState {
  readonly password?: string;
  /** Installed by an update; reported in every hello instead of --firmware. */
  readonly firmware?: string;
  /** App name → version installed by an update; overrides --app. */
  readonly apps?: Readonly<Record<string, string>>;
  /** Software name → version installed by an update; overrides --software. */
  readonly software?: Readonly<Record<string, string>>;
  /** Where the hub said to dial it: tried before --hub. */
  readonly hubs?: readonly string[];
}

const privateMode = 0o600;

/** The saved state; empty when the file does not exist. Throws on a file that is not ours. */
export function readState(file: string): AgentState {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, privateMode);
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`${file} is not an agent state file`);
  const { password, firmware, apps, software, hubs } = parsed as Record<string, unknown>;
  if (password !== undefined && typeof password !== 'string') throw new Error(`${file}: password must be a string`);
  if (firmware !== undefined && typeof firmware !== 'string') throw new Error(`${file}: firmware must be a string`);
  if (hubs !== undefined && !(Array.isArray(hubs) && hubs.every((hub) => typeof hub === 'string'))) throw new Error(`${file}: hubs must be a list of URLs`);
  return {
    ...(password === undefined ? {} : { password }),
    ...(firmware === undefined ? {} : { firmware }),
    ...(apps === undefined ? {} : { apps: versionsOf(file, 'apps', apps) }),
    ...(software === undefined ? {} : { software: versionsOf(file, 'software', software) }),
    ...(hubs === undefined ? {} : { hubs: hubs as string[] }),
  };
}

function versionsOf(file: string, field: 'apps' | 'software', value: unknown): Record<string, string> {
  const refusal = new Error(`${file}: ${field} must map ${field === 'apps' ? 'app' : 'software'} names to versions`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw refusal;
  const entries = Object.entries(value);
  if (!entries.every((entry): entry is [string, string] => typeof entry[1] === 'string')) throw refusal;
  return Object.fromEntries(entries);
}

export function writeState(file: string, state: AgentState): void {
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', privateMode);
  try {
    writeSync(fd, `${JSON.stringify(state)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  // The mode given to open() is masked by the umask; make sure of it before the file goes live.
  chmodSync(temporary, privateMode);
  renameSync(temporary, file);
}
