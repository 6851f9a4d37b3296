// What the agent says of its device in each hello and keeps in its state file: the device
// password, the provisioning code until it is spent, the versions updates installed and the
// hub addresses it was told.
import type { Hello } from '../domain/gateway/agent-messages.js';
import type { UpdateTarget } from '../domain/gateway/job-messages.js';
import type { Mac } from '../domain/device/mac.js';
import type { AgentOptions } from './agent-options.js';
import { HubAddresses } from './hub-addresses.js';
import { readState, writeState } from './state-file.js';
import type { AgentState } from './state-file.js';
import { agentVersion } from './version.js';

type Packages = AgentOptions['apps'];

/** The packages given on the command line at the versions updates installed, then those only updates installed. */
function installed(listed: Packages, versions: Readonly<Record<string, string>>): Hello['apps'] {
  const given = (listed ?? []).map(({ name, version }) => ({ name, version: versions[name] ?? version }));
  const added = Object.entries(versions)
    .filter(([name]) => !given.some((entry) => entry.name === name))
    .map(([name, version]) => ({ name, version }));
  return [...given, ...added];
}

export class DeviceFacts {
  readonly hubs: HubAddresses;
  password: string | undefined;
  // A code is spent once the hub gave a password for it or refused it; reconnects go without it.
  code: string | undefined;
  // Versions an update installed; they override --firmware, --app and --software in every hello.
  private firmware: string | undefined;
  private appVersions: Readonly<Record<string, string>>;
  private softwareVersions: Readonly<Record<string, string>>;

  constructor(
    private readonly mac: Mac,
    private readonly options: AgentOptions,
  ) {
    const saved = options.stateFile === undefined ? {} : readState(options.stateFile);
    this.hubs = new HubAddresses(typeof options.hub === 'string' ? [options.hub] : options.hub, saved.hubs);
    this.password = saved.password;
    this.code = options.code;
    this.firmware = saved.firmware;
    this.appVersions = saved.apps ?? {};
    this.softwareVersions = saved.software ?? {};
  }

  hello(): Hello {
    const { options, password, code } = this;
    const software = installed(options.software, this.softwareVersions);
    return {
      type: 'hello',
      mac: this.mac,
      model: options.model ?? 'unknown',
      firmware: this.firmware ?? options.firmware ?? 'unknown',
      apps: installed(options.apps, this.appVersions),
      categories: [...(options.categories ?? [])],
      agentVersion,
      ...(software.length === 0 ? {} : { software }),
      ...(password === undefined ? {} : { password }),
      ...(code === undefined ? {} : { code }),
    };
  }

  /** The device password the hub gave; the code it was given for is spent. */
  receivePassword(password: string): void {
    this.password = password;
    this.code = undefined;
    this.save();
  }

  recordInstalled(target: UpdateTarget): void {
    if (target.kind === 'firmware') this.firmware = target.version;
    else if (target.kind === 'app') this.appVersions = { ...this.appVersions, [target.name]: target.version };
    else this.softwareVersions = { ...this.softwareVersions, [target.name]: target.version };
    this.save();
  }

  /** Writes the state file, if there is one. */
  save(): void {
    if (this.options.stateFile !== undefined) writeState(this.options.stateFile, this.state());
  }

  private state(): AgentState {
    const { password, firmware, appVersions, softwareVersions, hubs } = this;
    return {
      ...(password === undefined ? {} : { password }),
      ...(firmware === undefined ? {} : { firmware }),
      ...(Object.keys(appVersions).length === 0 ? {} : { apps: appVersions }),
      ...(Object.keys(softwareVersions).length === 0 ? {} : { software: softwareVersions }),
      ...(hubs.saved() === undefined ? {} : { hubs: hubs.saved() }),
    };
  }
}
