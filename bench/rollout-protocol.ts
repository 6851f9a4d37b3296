// What the rollout benchmark and its swarm processes say to each other over Node's IPC channel.

export interface RolloutSwarmStart {
  readonly type: 'start';
  readonly url: string;
  /** Provisioning codes: device i redeems codes[i % codes.length]. */
  readonly codes: readonly string[];
  readonly firstIndex: number;
  readonly count: number;
  /** First connections in flight at once. */
  readonly window: number;
  /** How long a simulated install takes. */
  readonly installMs: number;
}

/**
 * After a successful update: `at-once`, close and reconnect with the new version in the hello
 * (as the agent does); `stay`, keep the connection (the job machinery alone).
 */
export type AfterInstall = 'at-once' | 'stay';

export type RolloutSwarmCommand =
  | RolloutSwarmStart
  | { readonly type: 'after-install'; readonly behaviour: AfterInstall }
  | { readonly type: 'report-installs' }
  | { readonly type: 'stop' };

export interface RolloutSwarmProgress {
  readonly type: 'progress';
  /** Devices that hold their device password and were welcomed in the tenant. */
  readonly assigned: number;
  /** Devices that installed an update. */
  readonly updated: number;
  /** Devices with an open connection, welcomed in the tenant. */
  readonly online: number;
  readonly problems: Readonly<Record<string, number>>;
}

/** Each install as [start, end] in epoch ms, as the devices saw it. */
export interface RolloutSwarmInstalls {
  readonly type: 'installs';
  readonly installs: readonly (readonly [number, number])[];
}

export type RolloutSwarmReport = { readonly type: 'ready' } | RolloutSwarmProgress | RolloutSwarmInstalls;
