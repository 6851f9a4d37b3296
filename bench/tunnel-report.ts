// The tunnel benchmark's figures side by side (direct, plain relay, Tether, and Tether's ratio
// to the plain relay), then what only the Tether column has: session records and memory.
import { note, percentile } from './figures.js';
import { noFigures } from './tunnel-column.js';
import type { ColumnFigures, TunnelPlan } from './tunnel-column.js';
import type { RssSpan } from './tunnel-rss-trace.js';
import { sessionMatches } from './tunnel-sessions.js';
import type { SessionCheck } from './tunnel-sessions.js';
import { mibPerSecond } from './tunnel-tcp-transfer.js';
import { echoesPerSecond } from './tunnel-udp-window.js';

export interface TunnelColumns {
  readonly direct: ColumnFigures;
  readonly plain: ColumnFigures;
  /** Undefined when the hub, the agent or the links could not be set up (see `tetherProblems`). */
  readonly tether?: ColumnFigures;
  /** The same links placed on a relay: undefined when the relay could not be set up (see `relayProblems`). */
  readonly viaRelay?: ColumnFigures;
  readonly sessions: readonly SessionCheck[];
  readonly tetherProblems: readonly string[];
  readonly relayProblems?: readonly string[];
}

type Cell = number | boolean | undefined;

interface Row {
  readonly label: string;
  readonly cell: (column: ColumnFigures) => Cell;
  /** Tether ÷ plain relay is printed for figures where a ratio means something. */
  readonly ratio: boolean;
}

const count = (n: number): string => n.toLocaleString('en-US');
const mib = (bytes: number): string => `${count(bytes / 2 ** 20)} MiB`;

function format(cell: Cell): string {
  if (cell === undefined) return 'n/a';
  if (typeof cell === 'boolean') return cell ? 'yes' : 'NO';
  if (!Number.isFinite(cell)) return String(cell);
  return cell.toLocaleString('en-US', { maximumFractionDigits: Math.abs(cell) < 10 ? 2 : 0 });
}

const exactTransfers = (column: ColumnFigures): boolean | undefined =>
  column.upload && column.download && column.concurrent ? column.upload.exact && column.download.exact && column.concurrent.exact : undefined;

function rows(plan: TunnelPlan): Row[] {
  const size = mib(plan.bytes);
  const rtt = `${plan.roundTripBytes} B round trip`;
  return [
    { label: `client → server, ${size} (MiB/s)`, cell: (c) => c.upload && mibPerSecond(c.upload), ratio: true },
    { label: `server → client, ${size} (MiB/s)`, cell: (c) => c.download && mibPerSecond(c.download), ratio: true },
    { label: `${rtt} p50 (µs)`, cell: (c) => c.roundTrips && percentile(c.roundTrips, 50), ratio: true },
    { label: `${rtt} p99 (µs)`, cell: (c) => c.roundTrips && percentile(c.roundTrips, 99), ratio: true },
    { label: 'new stream → first echoed byte, p50 (ms)', cell: (c) => c.opens && percentile(c.opens, 50), ratio: true },
    { label: 'new stream → first echoed byte, p99 (ms)', cell: (c) => c.opens && percentile(c.opens, 99), ratio: true },
    { label: `${plan.streams} concurrent streams, ${size} (MiB/s)`, cell: (c) => c.concurrent && mibPerSecond(c.concurrent), ratio: true },
    { label: `UDP ${count(plan.udp.size)} B echoes/s, ${plan.udp.window} in flight`, cell: (c) => c.udp && echoesPerSecond(c.udp), ratio: true },
    { label: `UDP datagrams lost (of ${count(plan.udp.datagrams)})`, cell: (c) => c.udp?.lost, ratio: false },
    { label: 'exact byte counts at both ends', cell: exactTransfers, ratio: false },
    { label: 'CPU of the relay processes per MiB (µs)', cell: (c) => c.cpu.perMiB, ratio: true },
    { label: 'CPU of the relay processes per new stream (µs)', cell: (c) => c.cpu.perStream, ratio: true },
    { label: 'CPU of the relay processes per UDP datagram (µs)', cell: (c) => c.cpu.perEcho, ratio: true },
  ];
}

const labelWidth = 46;
const cellWidth = 13;

function line(label: string, cells: readonly string[]): void {
  console.log(`${label.padEnd(labelWidth)}${cells.map((c) => c.padStart(cellWidth)).join('')}`);
}

const ratioOf = (ratio: boolean, ours: Cell, base: Cell): string =>
  ratio && typeof base === 'number' && typeof ours === 'number' && base !== 0 ? `${(ours / base).toFixed(2)}×` : '';

/** With a relay column: its figures and their ratio to the hub's, i.e. what the relay hop costs. */
function printTable(columns: TunnelColumns, plan: TunnelPlan): void {
  const tether = columns.tether ?? noFigures();
  const relayed = columns.viaRelay;
  line('', ['direct', 'plain relay', 'Tether', 'Tether÷relay', ...(relayed ? ['via relay', 'relay÷hub'] : [])]);
  for (const row of rows(plan)) {
    const cells = [row.cell(columns.direct), row.cell(columns.plain), row.cell(tether)];
    const [, relay, ours] = cells;
    const viaRelay = relayed ? row.cell(relayed) : undefined;
    line(row.label, [...cells.map(format), ratioOf(row.ratio, ours, relay), ...(relayed ? [format(viaRelay), ratioOf(row.ratio, viaRelay, ours)] : [])]);
  }
}

function printProblems(name: string, problems: readonly string[]): void {
  for (const problem of problems) note(`${name}: not measured: ${problem}`);
}

const inMiB = (kib: number): string => (kib / 1024).toFixed(1);

const rssLine = (process: string, span: RssSpan): string =>
  `${process} RSS over both bulk transfers: start ${inMiB(span.startKiB)} MiB, peak ${inMiB(span.peakKiB)} MiB, end ${inMiB(span.endKiB)} MiB ` +
  `(at 0/25/50/75/100%: ${span.quartilesKiB.map(inMiB).join(' → ')}; ${span.samples} samples)`;

function printTetherDetails(columns: TunnelColumns): void {
  for (const check of columns.sessions) {
    const { link, recorded } = check;
    const counted = `client counted ${count(link.toDevice)} B to the device, ${count(link.fromDevice)} B back`;
    const verdict = recorded
      ? `session ${count(recorded.bytesToDevice)} / ${count(recorded.bytesFromDevice)} (${recorded.terminationCause ?? 'no cause'}): ${sessionMatches(check) ? 'equal' : 'NOT equal'}`
      : `session n/a (${check.problem ?? 'no record'})`;
    note(`${link.name}: ${counted}; ${verdict}`);
  }
  for (const [process, span] of Object.entries(columns.tether?.rss ?? {})) note(rssLine(process, span));
  for (const [process, span] of Object.entries(columns.viaRelay?.rss ?? {})) note(rssLine(process, span));
  for (const [process, span] of Object.entries(columns.plain.rss)) note(rssLine(process, span));
}

export function printTunnelReport(columns: TunnelColumns, plan: TunnelPlan): void {
  console.log('');
  printTable(columns, plan);
  printProblems('direct', columns.direct.problems);
  printProblems('plain relay', columns.plain.problems);
  printProblems('Tether', [...columns.tetherProblems, ...(columns.tether?.problems ?? [])]);
  printProblems('Tether via relay', [...(columns.relayProblems ?? []), ...(columns.viaRelay?.problems ?? [])]);
  note(`round trips one at a time on one connection; a new stream is a new connection that sends 1 byte; an echo is a datagram there and back.`);
  note('the plain relay runs in a process of its own, as the hub does; the "device" servers in another, as behind the agent.');
  note('CPU: user + system time from /proc of the processes between client and "device" (plain relay; Tether: hub + agent; via relay: relay + hub + agent), less load-sensitive than the wall-clock rows.');
  const udp = columns.tether?.udp;
  if (udp && udp.probes > 1) note(`Tether: the first UDP echo came after ${udp.probes} probe datagrams (one every 200 ms).`);
  for (const [name, figures] of [['direct', columns.direct], ['plain relay', columns.plain], ['Tether', columns.tether]] as const) {
    if (figures?.udp && figures.udp.strays > 0) note(`${name}: ${count(figures.udp.strays)} UDP echoes were duplicates or malformed.`);
  }
  printTetherDetails(columns);
}
