// What the devices benchmark and its swarm processes say to each other over Node's IPC channel.

/** `agent`: hello/welcome as the real agent; `bare`: a WebSocket and nothing else (the baseline). */
export type SwarmMode = 'agent' | 'bare';

export interface SwarmStart {
  readonly type: 'start';
  readonly url: string;
  readonly mode: SwarmMode;
  /** This swarm simulates devices firstIndex .. firstIndex + count - 1. */
  readonly firstIndex: number;
  readonly count: number;
  /** First connections in flight at once; reconnects are paced by the backoff alone. */
  readonly window: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
}

export type SwarmCommand = SwarmStart | { readonly type: 'report-latencies' } | { readonly type: 'stop' };

export interface SwarmProgress {
  readonly type: 'progress';
  /** Connections that have been welcomed (or opened, for `bare`) and are still open. */
  readonly online: number;
  /** Epoch ms (sub-ms precision) of the latest device coming online. */
  readonly lastOnlineAt: number;
  readonly connects: number;
  /** Connection errors and hub `error`/`closing` messages by kind, counted since the start. */
  readonly problems: Readonly<Record<string, number>>;
}

export interface SwarmLatencies {
  readonly type: 'latencies';
  /** For each device's first time online: ms from dialling to welcome. */
  readonly ms: readonly number[];
}

/** Sent once the process has loaded, so that start-up is not counted in the figures. */
export interface SwarmReady {
  readonly type: 'ready';
}

export type SwarmReport = SwarmReady | SwarmProgress | SwarmLatencies;

/** A problem's kind: its message without the addresses and numbers that vary between sockets. */
export const problemKind = (message: string): string => message.replace(/\d+\.\d+\.\d+\.\d+:\d+/g, 'host:port').slice(0, 120);

/** Epoch milliseconds comparable across processes on one machine. */
export const epochMs = (): number => performance.timeOrigin + performance.now();
