// The goals of issue 4 for the Tether column, each met, not met, or not measured.
import { percentile } from './figures.js';
import { noFigures } from './tunnel-column.js';
import type { ColumnFigures } from './tunnel-column.js';
import type { TunnelColumns } from './tunnel-report.js';
import { sessionMatches } from './tunnel-sessions.js';
import { mibPerSecond } from './tunnel-tcp-transfer.js';
import type { Transfer } from './tunnel-tcp-transfer.js';
import { echoesPerSecond } from './tunnel-udp-window.js';

interface Goal {
  readonly name: string;
  readonly target: string;
  /** What was measured, formatted; undefined when it was not. */
  readonly value: string | undefined;
  readonly met: boolean;
}

const throughputRatio = 0.6;
const addedP50Us = 100;
const addedP99Us = 400;
const openMs = 5;
const udpRatio = 0.6;
/** Growth a process with backpressure stays well under, where buffering 1 GiB would not. */
const flatRssMiB = 64;

function goal(name: string, target: string, measured: number | undefined, met: (value: number) => boolean, show: (value: number) => string): Goal {
  return measured === undefined || !Number.isFinite(measured)
    ? { name, target, value: undefined, met: false }
    : { name, target, value: show(measured), met: met(measured) };
}

const ratioOf = (ours: Transfer | undefined, relay: Transfer | undefined): number | undefined =>
  ours && relay ? mibPerSecond(ours) / mibPerSecond(relay) : undefined;

const addedUs = (ours: ColumnFigures, direct: ColumnFigures, p: number): number | undefined =>
  ours.roundTrips && direct.roundTrips ? percentile(ours.roundTrips, p) - percentile(direct.roundTrips, p) : undefined;

const times = (value: number): string => `${value.toFixed(2)}×`;
const addedMicroseconds = (value: number): string => `${value < 0 ? '' : '+'}${Math.round(value).toLocaleString('en-US')} µs`;

function exactness(columns: TunnelColumns): Goal {
  const name = 'exact byte counts (both ends, session records)';
  const target = 'all equal';
  const figures = columns.tether;
  const transfers = [figures?.upload, figures?.download, figures?.concurrent];
  const { sessions } = columns;
  const unknown = transfers.some((t) => t === undefined) || sessions.length === 0 || sessions.some((s) => s.recorded === undefined);
  const exact = transfers.every((t) => t?.exact === true) && sessions.every(sessionMatches);
  return unknown ? { name, target, value: undefined, met: false } : { name, target, value: exact ? 'yes' : 'no', met: exact };
}

function goals(columns: TunnelColumns): Goal[] {
  const { direct, plain } = columns;
  const ours = columns.tether ?? noFigures();
  const hub = ours.rss.hub;
  return [
    goal('client → server throughput ÷ plain relay', `≥ ${throughputRatio}×`, ratioOf(ours.upload, plain.upload), (v) => v >= throughputRatio, times),
    goal('server → client throughput ÷ plain relay', `≥ ${throughputRatio}×`, ratioOf(ours.download, plain.download), (v) => v >= throughputRatio, times),
    goal('round trip p50 added over direct', `≤ +${addedP50Us} µs`, addedUs(ours, direct, 50), (v) => v <= addedP50Us, addedMicroseconds),
    goal('round trip p99 added over direct', `≤ +${addedP99Us} µs`, addedUs(ours, direct, 99), (v) => v <= addedP99Us, addedMicroseconds),
    goal('new stream usable (median of connect → echo)', `≤ ${openMs} ms`, ours.opens && percentile(ours.opens, 50), (v) => v <= openMs, (v) => `${v.toFixed(2)} ms`),
    goal(
      'UDP echoes/s ÷ plain dgram relay',
      `≥ ${udpRatio}×`,
      ours.udp && plain.udp ? echoesPerSecond(ours.udp) / echoesPerSecond(plain.udp) : undefined,
      (v) => v >= udpRatio,
      times,
    ),
    goal('UDP datagrams lost', '= 0', ours.udp?.lost, (v) => v === 0, String),
    exactness(columns),
    goal('hub RSS growth over the bulk transfers (peak − start)', `≤ ${flatRssMiB} MiB`, hub && (hub.peakKiB - hub.startKiB) / 1024, (v) => v <= flatRssMiB, (v) => `${v.toFixed(1)} MiB`),
  ];
}

export function printTunnelGoals(columns: TunnelColumns): void {
  console.log('');
  console.log(`${'goal (Tether)'.padEnd(56)}${'measured'.padStart(14)}${'target'.padStart(14)}  verdict`);
  for (const g of goals(columns)) {
    const verdict = g.value === undefined ? 'not measured' : g.met ? 'met' : 'NOT met';
    console.log(`${g.name.padEnd(56)}${(g.value ?? 'n/a').padStart(14)}${g.target.padStart(14)}  ${verdict}`);
  }
}
