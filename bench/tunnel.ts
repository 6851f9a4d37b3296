// `npm run bench -- tunnel`: the DeviceLink data plane against what it is measured by, side by
// side on loopback: the client straight to the "device" servers, through a plain Node relay
// (one pipe() hop), through a Tether link (a real hub and a real agent process), and through a
// Tether link placed on a relay (a real `tether relay` process carrying the bytes instead of the
// hub). Bulk throughput both ways, small round trips, stream opening, many streams at once, UDP.
// TETHER_BENCH_TUNNEL_BYTES: size of each bulk transfer (1 GiB; e.g. 64MiB for a quick run).
// TETHER_BENCH_TUNNEL_DATAGRAMS: UDP datagrams per column (100,000).
// TETHER_BENCH_TUNNEL_ONLY: the measurements to run, comma-separated (bulk, latency, opens,
// concurrent, udp; all when unset), e.g. `udp` to measure the datagrams alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopChild, withChildren } from './child-processes.js';
import { note } from './figures.js';
import { exitGuard, startListening } from './tunnel-child-ports.js';
import type { Listening } from './tunnel-child-ports.js';
import { measureSideBySide, noFigures } from './tunnel-column.js';
import { tunnelMeasurements } from './tunnel-column.js';
import type { Column, ColumnTargets, TunnelMeasurement, TunnelPlan } from './tunnel-column.js';
import { printTunnelGoals } from './tunnel-goals.js';
import type { DevicePorts } from './tunnel-protocol.js';
import { openRelayColumn } from './tunnel-relay-column.js';
import type { RelayColumn } from './tunnel-relay-column.js';
import { printTunnelReport } from './tunnel-report.js';
import { TcpTarget } from './tunnel-tcp-target.js';
import { openTetherColumn } from './tunnel-tether-column.js';
import type { TetherColumn } from './tunnel-tether-column.js';

const units: Readonly<Record<string, number>> = { '': 1, k: 2 ** 10, kib: 2 ** 10, m: 2 ** 20, mib: 2 ** 20, g: 2 ** 30, gib: 2 ** 30 };

/** A positive whole number from the environment, with an optional binary unit (64MiB, 1G). */
function sizeFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const match = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(raw);
  const unit = units[(match?.[2] ?? '').toLowerCase()];
  const value = match?.[1] === undefined || unit === undefined ? Number.NaN : Number(match[1]) * unit;
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number, optionally with KiB, MiB or GiB (got ${JSON.stringify(raw)})`);
  return value;
}

const isMeasurement = (name: string): name is TunnelMeasurement => (tunnelMeasurements as readonly string[]).includes(name);

/** The measurements TETHER_BENCH_TUNNEL_ONLY names, or all of them. */
function measurementsFromEnv(): ReadonlySet<TunnelMeasurement> {
  const raw = process.env.TETHER_BENCH_TUNNEL_ONLY;
  if (raw === undefined || raw.trim() === '') return new Set(tunnelMeasurements);
  const names = raw.split(',').map((name) => name.trim().toLowerCase());
  const unknown = names.filter((name) => !isMeasurement(name));
  if (unknown.length > 0) throw new Error(`TETHER_BENCH_TUNNEL_ONLY names ${unknown.map((n) => JSON.stringify(n)).join(', ')}; known: ${tunnelMeasurements.join(', ')}`);
  return new Set(names.filter(isMeasurement));
}

const loadAverage = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

function tunnelPlan(): TunnelPlan {
  return {
    only: measurementsFromEnv(),
    bytes: sizeFromEnv('TETHER_BENCH_TUNNEL_BYTES', 2 ** 30),
    streams: 100,
    roundTrips: 10_000,
    roundTripBytes: 64,
    opens: 200,
    udp: { datagrams: sizeFromEnv('TETHER_BENCH_TUNNEL_DATAGRAMS', 100_000), size: 1000, window: 64, stallMs: 1000 },
  };
}

function tcpTargets(sink: number, source: number, echo: number): Pick<ColumnTargets, 'sink' | 'source' | 'echo'> {
  return { sink: new TcpTarget(sink), source: new TcpTarget(source), echo: new TcpTarget(echo) };
}

async function measureAll(plan: TunnelPlan, dataDir: string): Promise<void> {
  const device = await startListening<DevicePorts>('tunnel-device-servers', []);
  const { sink, source, echo, udpEcho } = device.ports;
  let relay: Listening<readonly number[]> | undefined;
  let tether: TetherColumn | undefined;
  let viaRelay: RelayColumn | undefined;
  try {
    relay = await startListening<readonly number[]>('tunnel-plain-relay', [`tcp:${sink}`, `tcp:${source}`, `tcp:${echo}`, `udp:${udpEcho}`]);
    const [relaySink = 0, relaySource = 0, relayEcho = 0, relayUdp = 0] = relay.ports;
    const tetherProblems: string[] = [];
    try {
      tether = await openTetherColumn(dataDir, device.ports);
    } catch (error) {
      tetherProblems.push(error instanceof Error ? error.message : String(error));
    }
    const relayProblems: string[] = [];
    if (tether) {
      try {
        viaRelay = await openRelayColumn(tether.rig, dataDir, device.ports);
      } catch (error) {
        relayProblems.push(error instanceof Error ? error.message : String(error));
      }
    }
    const columns: Column[] = [
      {
        name: 'direct',
        targets: { ...tcpTargets(sink, source, echo), udpPort: udpEcho, traced: {}, carriers: [], guard: exitGuard({ device: device.child }) },
      },
      {
        name: 'plain relay',
        targets: {
          ...tcpTargets(relaySink, relaySource, relayEcho),
          udpPort: relayUdp,
          traced: { 'plain relay': relay.child.pid },
          carriers: [relay.child.pid],
          guard: exitGuard({ device: device.child, 'plain relay': relay.child }),
        },
      },
      ...(tether ? [{ name: 'Tether', targets: tether.targets }] : []),
      ...(viaRelay ? [{ name: 'Tether via relay', targets: viaRelay.targets }] : []),
    ];
    const [direct = noFigures(), plain = noFigures(), ours, relayed] = await measureSideBySide(columns, plan);
    const sessions = tether && ours ? await tether.sessions(ours) : [];
    const relaySessions = viaRelay && relayed ? await viaRelay.sessions(relayed) : [];
    const report = {
      direct,
      plain,
      ...(ours ? { tether: ours } : {}),
      ...(relayed ? { viaRelay: relayed } : {}),
      sessions: [...sessions, ...relaySessions],
      tetherProblems,
      relayProblems,
    };
    printTunnelReport(report, plan);
    printTunnelGoals(report);
    note(`load average at the end: ${loadAverage()}.`);
  } finally {
    await viaRelay?.stop();
    await tether?.stop();
    if (relay) await stopChild(relay.child, 2000);
    await stopChild(device.child, 2000);
  }
}

export async function tunnelBenchmark(): Promise<void> {
  const plan = tunnelPlan();
  note(`measuring ${[...plan.only].join(', ')}; bulk transfers of ${(plan.bytes / 2 ** 20).toLocaleString('en-US')} MiB; client, "device", relay, hub and agent share ${availableParallelism()} CPUs.`);
  note(`load average at the start: ${loadAverage()} (other work on the machine skews the timings).`);
  await withChildren(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tether-bench-tunnel-'));
    // Also on SIGINT or SIGTERM, which end the process without running `finally`.
    const remove = (): void => rmSync(dataDir, { recursive: true, force: true });
    process.on('exit', remove);
    try {
      await measureAll(plan, dataDir);
    } finally {
      remove();
      process.off('exit', remove);
    }
  });
}
