// Every measurement of the tunnel benchmark against each way of reaching the "device" (direct,
// the plain relay, a Tether link): the columns of its table. Each measurement runs for all
// columns back to back, so that a change in the machine's load weighs on them alike. One that
// fails or runs out of time is noted and the next one runs.
import { note } from './figures.js';
import { cpuMeter } from './process-cpu.js';
import type { RssSpan } from './tunnel-rss-trace.js';
import { traceRss } from './tunnel-rss-trace.js';
import { openTimes, roundTrips } from './tunnel-tcp-latency.js';
import type { TcpTarget } from './tunnel-tcp-target.js';
import { concurrentUpload, download, upload } from './tunnel-tcp-transfer.js';
import type { Transfer } from './tunnel-tcp-transfer.js';
import { udpWindow } from './tunnel-udp-window.js';
import type { UdpFigures, UdpOptions } from './tunnel-udp-window.js';

/** The measurements of a run, as TETHER_BENCH_TUNNEL_ONLY names them. */
export const tunnelMeasurements = ['bulk', 'latency', 'opens', 'concurrent', 'udp'] as const;
export type TunnelMeasurement = (typeof tunnelMeasurements)[number];

export interface TunnelPlan {
  /** The measurements to run (all unless narrowed). */
  readonly only: ReadonlySet<TunnelMeasurement>;
  /** Size of each bulk transfer, and of the concurrent one in total. */
  readonly bytes: number;
  readonly streams: number;
  readonly roundTrips: number;
  readonly roundTripBytes: number;
  readonly opens: number;
  readonly udp: UdpOptions;
}

export interface ColumnTargets {
  readonly sink: TcpTarget;
  readonly source: TcpTarget;
  readonly echo: TcpTarget;
  readonly udpPort: number;
  /** Processes whose resident memory is traced during the bulk transfers, by name. */
  readonly traced: Readonly<Record<string, number>>;
  /** The processes between the client and the "device" (none when direct): their CPU per operation is reported. */
  readonly carriers: readonly number[];
  /** `work`, or a failure as soon as a process the column relies on ends. */
  guard<T>(work: Promise<T>): Promise<T>;
}

export interface Column {
  readonly name: string;
  readonly targets: ColumnTargets;
}

export interface ColumnFigures {
  upload?: Transfer;
  download?: Transfer;
  /** µs, sorted. */
  roundTrips?: readonly number[];
  /** ms, sorted. */
  opens?: readonly number[];
  concurrent?: Transfer;
  udp?: UdpFigures;
  /** CPU µs the carrying processes spent, together, per unit of each measurement. */
  readonly cpu: CarrierCpu;
  /** Over the upload and the download together. */
  readonly rss: Record<string, RssSpan>;
  readonly problems: string[];
}

export interface CarrierCpu {
  /** Per MiB of the two bulk transfers. */
  perMiB?: number;
  /** Per new stream (opened, echoed once, closed). */
  perStream?: number;
  /** Per UDP datagram sent (there, and back when echoed). */
  perEcho?: number;
}

export const noFigures = (): ColumnFigures => ({ cpu: {}, rss: {}, problems: [] });

/** `work`'s result, and the CPU the column's carriers spent on it (undefined when it failed, or nothing carries). */
async function charged<T>(column: Column, work: () => Promise<T | undefined>): Promise<{ result: T | undefined; cpu: number | undefined }> {
  const { carriers } = column.targets;
  let meter: { since(): number } | undefined;
  try {
    meter = carriers.length > 0 ? cpuMeter(carriers) : undefined;
  } catch {
    meter = undefined;
  }
  const result = await work();
  try {
    return { result, cpu: result === undefined ? undefined : meter?.since() };
  } catch {
    // A carrier has gone: the step that needed it failed and says why.
    return { result, cpu: undefined };
  }
}

const warmupRoundTrips = 500;
const warmupOpens = 10;
// Generous: a slow column should be measured, a stuck one should not hold the run for long.
const slowestMiBPerSecond = 20;
const transferBudgetMs = (bytes: number): number => 30_000 + (bytes / 2 ** 20 / slowestMiBPerSecond) * 1000;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Runs `work` against one column within `budgetMs`; undefined (and a note of why) when it fails. */
async function step<T>(column: Column, figures: ColumnFigures, what: string, budgetMs: number, work: () => Promise<T>): Promise<T | undefined> {
  const { targets } = column;
  note(`${column.name}: ${what}`);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no result within ${Math.round(budgetMs / 1000)} s`)), budgetMs);
  });
  try {
    return await targets.guard(Promise.race([work(), timeout]));
  } catch (error) {
    for (const target of [targets.sink, targets.source, targets.echo]) target.abort();
    figures.problems.push(`${what}: ${messageOf(error)}`);
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

async function bulk(column: Column, figures: ColumnFigures, plan: TunnelPlan): Promise<void> {
  const { targets } = column;
  const size = `${(plan.bytes / 2 ** 20).toLocaleString('en-US')} MiB`;
  const budget = transferBudgetMs(plan.bytes);
  const traces = Object.entries(targets.traced).map(([process, pid]) => [process, traceRss(pid)] as const);
  const { cpu } = await charged(column, async () => {
    figures.upload = await step(column, figures, `${size} client → server`, budget, () => upload(targets.sink, plan.bytes));
    figures.download = await step(column, figures, `${size} server → client`, budget, () => download(targets.source, plan.bytes));
    return figures.upload && figures.download;
  });
  if (cpu !== undefined) figures.cpu.perMiB = cpu / ((2 * plan.bytes) / 2 ** 20);
  for (const [process, trace] of traces) figures.rss[process] = trace.stop();
}

/** The figures of each column, in the order given. */
export async function measureSideBySide(columns: readonly Column[], plan: TunnelPlan): Promise<ColumnFigures[]> {
  const all = columns.map(noFigures);
  const each = async (measure: (column: Column, figures: ColumnFigures) => Promise<void>): Promise<void> => {
    for (const [i, column] of columns.entries()) await measure(column, all[i] ?? noFigures());
  };
  const trips = `${plan.roundTrips.toLocaleString('en-US')} round trips of ${plan.roundTripBytes} bytes`;
  const spread = `${(plan.bytes / 2 ** 20).toLocaleString('en-US')} MiB over ${plan.streams} concurrent streams`;
  const datagrams = `${plan.udp.datagrams.toLocaleString('en-US')} UDP datagrams of ${plan.udp.size} bytes`;
  const run = async (measurement: TunnelMeasurement, measure: (column: Column, figures: ColumnFigures) => Promise<void>): Promise<void> => {
    if (plan.only.has(measurement)) await each(measure);
  };
  await run('bulk', (column, figures) => bulk(column, figures, plan));
  await run('latency', async (column, figures) => {
    figures.roundTrips = await step(column, figures, trips, 120_000, () =>
      roundTrips(column.targets.echo, plan.roundTrips, plan.roundTripBytes, warmupRoundTrips),
    );
  });
  await run('opens', async (column, figures) => {
    const { result, cpu } = await charged(column, () =>
      step(column, figures, `${plan.opens} new streams`, 60_000, () => openTimes(column.targets.echo, plan.opens, warmupOpens)),
    );
    figures.opens = result;
    if (cpu !== undefined) figures.cpu.perStream = cpu / (plan.opens + warmupOpens);
  });
  await run('concurrent', async (column, figures) => {
    figures.concurrent = await step(column, figures, spread, transferBudgetMs(plan.bytes), () =>
      concurrentUpload(column.targets.sink, plan.streams, plan.bytes),
    );
  });
  await run('udp', async (column, figures) => {
    const { result, cpu } = await charged(column, () => step(column, figures, datagrams, 120_000, () => udpWindow(column.targets.udpPort, plan.udp)));
    figures.udp = result;
    if (cpu !== undefined && result !== undefined) figures.cpu.perEcho = cpu / (result.sent + result.probes);
  });
  return all;
}
