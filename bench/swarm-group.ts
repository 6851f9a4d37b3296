// The benchmark's side of its swarm processes: starts them over a range of simulated
// devices, adds up their progress, and waits for a number of devices to be online.
import { fileURLToPath } from 'node:url';
import { startNode } from './child-processes.js';
import type { Child } from './child-processes.js';
import { epochMs } from './swarm-protocol.js';
import type { SwarmCommand, SwarmMode, SwarmProgress, SwarmReport } from './swarm-protocol.js';

const swarmScript = fileURLToPath(new URL('./device-swarm.js', import.meta.url));

/** Descriptors a process needs besides one per socket (stdio, IPC, epoll, libraries). */
export const descriptorHeadroom = 256;

export interface SwarmOptions {
  readonly url: string;
  readonly mode: SwarmMode;
  readonly devices: number;
  readonly processes: number;
  /** First connections in flight at once, per process. */
  readonly window: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** Index of the first simulated device (its MAC follows from it): swarms on several hubs at once need distinct ones. Default 0. */
  readonly firstDevice?: number;
}

export interface OnlineWait {
  readonly met: boolean;
  readonly online: number;
  /** Epoch ms at which the last of them came online. */
  readonly lastOnlineAt: number;
}

interface Member {
  readonly child: Child;
  readonly first: number;
  readonly count: number;
  progress: SwarmProgress;
}

const initial: SwarmProgress = { type: 'progress', online: 0, lastOnlineAt: 0, connects: 0, problems: {} };

export interface SwarmTally {
  readonly connects: number;
  readonly problems: Readonly<Record<string, number>>;
}

/** What happened between two tallies, in one line. */
export function describeTally(from: SwarmTally, to: SwarmTally): string {
  const problems = Object.entries(to.problems)
    .map(([kind, n]) => [kind, n - (from.problems[kind] ?? 0)] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${kind} ×${n.toLocaleString('en-US')}`);
  const dials = (to.connects - from.connects).toLocaleString('en-US');
  return `${dials} dials; ${problems.length === 0 ? 'no errors' : `errors: ${problems.join(', ')}`}`;
}

export class SwarmGroup {
  private readonly members: Member[];
  private readonly listeners = new Set<() => void>();
  private failure: Error | undefined;

  private constructor(members: Member[]) {
    this.members = members;
    for (const [p, member] of members.entries()) {
      const { child } = member;
      child.process.on('message', (message: SwarmReport) => {
        if (message.type !== 'progress') return;
        member.progress = message;
        this.notify();
      });
      void child.exited.then((how) => {
        this.failure ??= new Error(`swarm process ${p} ended (${how}): ${child.output().trim() || 'no output'}`);
        this.notify();
      });
    }
  }

  /** Starts the processes and, once all have loaded, their devices; `startedAt` is then (epoch ms). */
  static async start(options: SwarmOptions): Promise<{ swarm: SwarmGroup; startedAt: number }> {
    const share = Math.ceil(options.devices / options.processes);
    const members: Member[] = [];
    const loaded: Promise<void>[] = [];
    for (let first = 0; first < options.devices; first += share) {
      const count = Math.min(share, options.devices - first);
      const child = startNode(swarmScript, [], { descriptors: count + descriptorHeadroom, ipc: true });
      members.push({ child, first, count, progress: initial });
      loaded.push(
        new Promise<void>((resolve, reject) => {
          child.process.once('message', () => resolve());
          void child.exited.then((how) => reject(new Error(`a swarm process ended while loading (${how}): ${child.output().trim()}`)));
        }),
      );
    }
    await Promise.all(loaded);
    const swarm = new SwarmGroup(members);
    const startedAt = epochMs();
    for (const { child, first, count } of members) {
      const start: SwarmCommand = { ...options, type: 'start', firstIndex: (options.firstDevice ?? 0) + first, count };
      child.process.send(start);
    }
    return { swarm, startedAt };
  }

  online(): number {
    return this.members.reduce((sum, m) => sum + m.progress.online, 0);
  }

  /** Dials and problems so far, over all processes. */
  tally(): SwarmTally {
    const problems: Record<string, number> = {};
    for (const m of this.members) {
      for (const [kind, n] of Object.entries(m.progress.problems)) problems[kind] = (problems[kind] ?? 0) + n;
    }
    return { connects: this.members.reduce((sum, m) => sum + m.progress.connects, 0), problems };
  }

  /** Resolves once `condition(online)` holds, or with met: false after `timeoutMs`. */
  async waitFor(condition: (online: number) => boolean, timeoutMs: number): Promise<OnlineWait> {
    const state = (met: boolean): OnlineWait => ({
      met,
      online: this.online(),
      lastOnlineAt: Math.max(...this.members.map((m) => m.progress.lastOnlineAt)),
    });
    return new Promise<OnlineWait>((resolve, reject) => {
      const check = (): void => {
        if (this.failure) finish(() => reject(this.failure));
        else if (condition(this.online())) finish(() => resolve(state(true)));
      };
      const timer = setTimeout(() => finish(() => resolve(state(false))), timeoutMs);
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        settle();
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Dial-to-welcome times of every device's first connection, sorted. */
  async latencies(): Promise<number[]> {
    const all = await Promise.all(
      this.members.map(
        (m) =>
          new Promise<readonly number[]>((resolve) => {
            if (!m.child.process.connected) {
              resolve([]);
              return;
            }
            const listener = (message: SwarmReport): void => {
              if (message.type !== 'latencies') return;
              m.child.process.off('message', listener);
              resolve(message.ms);
            };
            m.child.process.on('message', listener);
            m.child.process.send({ type: 'report-latencies' } satisfies SwarmCommand);
          }),
      ),
    );
    return all.flat().sort((a, b) => a - b);
  }

  async stop(): Promise<void> {
    this.failure ??= new Error('the swarm was stopped');
    for (const m of this.members) if (m.child.process.connected) m.child.process.send({ type: 'stop' } satisfies SwarmCommand);
    const force = setTimeout(() => {
      for (const m of this.members) m.child.process.kill('SIGKILL');
    }, 5000);
    await Promise.all(this.members.map((m) => m.child.exited));
    clearTimeout(force);
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
