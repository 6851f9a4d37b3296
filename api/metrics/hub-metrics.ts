// What the hub reports at /metrics, in the Prometheus format: one registry per hub (several
// hubs may share a process in tests), the process's default metrics, and gauges read from
// the hub's parts at each scrape. Other parts add their metrics to `registry`.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { gatewayLimitNames } from '../../actors/gateway/gateway-admission.js';
import type { GatewayLimit } from '../../actors/gateway/gateway-admission.js';
import { JobState } from '../../domain/job/job-fields.js';
import type { JobKind, JobTotals } from '../../projections/jobs/index.js';

export interface HubMetrics {
  readonly registry: Registry;
  /** Observed by the event store decorator (timed-event-store.ts), labelled by outcome. */
  readonly appendSeconds: Histogram<'outcome'>;
}

/** What the gauges read, at each scrape. */
export interface HubMetricSources {
  /** Devices with a live control connection to this node. */
  readonly connectedDevices: () => number;
  /** Remote sessions (DeviceLinks) open on this node. */
  readonly openSessions: () => number;
  /** Bytes this node's links have carried since it started, per direction; never decreases. */
  readonly relayedBytes: () => { readonly bytesToDevice: number; readonly bytesFromDevice: number };
  /** How many events the store holds after this node's read models, counted up to a cap. */
  readonly eventsBehind: () => Promise<number>;
  /** The jobs in this node's read model, per kind and state; undefined while it is closed (a rebuild, a shutdown). */
  readonly jobTotals: () => readonly JobTotals[] | undefined;
  /** Connections, hellos and device registrations the gateway refused since the hub started, per limit. */
  readonly gatewayRefusals: (limit: GatewayLimit) => number;
}

const jobKinds: readonly JobKind[] = ['update', 'backup'];

/** Positions are not counts (on EventStoreDB they are byte offsets): the lag is counted by reading, this far at most. */
export const lagCountCap = 10_000;
const jobStates = Object.keys(JobState.keys) as JobState[];
/** A job not yet finished: its devices are the progress still being made. */
const unfinished: ReadonlySet<JobState> = new Set<JobState>(['queued', 'running', 'paused']);
const deviceStatuses = [
  ['in_flight', 'inFlight'],
  ['succeeded', 'succeeded'],
  ['failed', 'failed'],
] as const;

// From 0.5 ms (an embedded append) to about 4 s (a cluster under trouble).
const appendBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4];

export function createHubMetrics(): HubMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const appendSeconds = new Histogram({
    name: 'tether_event_append_seconds',
    help: 'Time to append events to the event store, by outcome (ok, conflict: wrong expected revision, error)',
    labelNames: ['outcome'] as const,
    buckets: appendBuckets,
    registers: [registry],
  });
  return { registry, appendSeconds };
}

/** Registers the gauges and counters read from `sources`; call once the hub's parts exist. */
export function observeHub(registry: Registry, sources: HubMetricSources): void {
  new Gauge({
    name: 'tether_devices_connected',
    help: 'Devices with a live control connection to this hub node',
    registers: [registry],
    collect() {
      this.set(sources.connectedDevices());
    },
  });
  new Gauge({
    name: 'tether_sessions_open',
    help: 'Remote sessions (DeviceLinks) open on this hub node',
    registers: [registry],
    collect() {
      this.set(sources.openSessions());
    },
  });
  // A counter only goes up: each scrape adds what crossed since the last one.
  const counted = { to_device: 0, from_device: 0 };
  new Counter({
    name: 'tether_relayed_bytes_total',
    help: 'Bytes carried by the links of this hub node since it started, by direction',
    labelNames: ['direction'] as const,
    registers: [registry],
    collect() {
      const { bytesToDevice, bytesFromDevice } = sources.relayedBytes();
      for (const [direction, total] of [['to_device', bytesToDevice], ['from_device', bytesFromDevice]] as const) {
        // inc by 0 too, so both series exist from the first scrape.
        this.inc({ direction }, Math.max(0, total - counted[direction]));
        counted[direction] = Math.max(counted[direction], total);
      }
    },
  });
  new Gauge({
    name: 'tether_projection_lag_events',
    help: `Events in the store this node's read models have not applied yet (counted up to ${lagCountCap})`,
    registers: [registry],
    async collect() {
      this.set(await sources.eventsBehind());
    },
  });
  const refusalsCounted: Record<GatewayLimit, number> = { connections_per_ip: 0, hellos_per_ip: 0, registrations_per_ip: 0 };
  new Counter({
    name: 'tether_gateway_refusals_total',
    help: 'Device gateway connections, hellos and new-device registrations refused by a per-address limit, by limit',
    labelNames: ['limit'] as const,
    registers: [registry],
    collect() {
      for (const limit of gatewayLimitNames) {
        const total = sources.gatewayRefusals(limit);
        this.inc({ limit }, Math.max(0, total - refusalsCounted[limit]));
        refusalsCounted[limit] = Math.max(refusalsCounted[limit], total);
      }
    },
  });
  observeJobs(registry, sources.jobTotals);
}

// Every kind, state and status is set at each scrape, 0 included, so a series never goes stale
// when its last job moves on. Jobs live in the shared store: every node reports the same figures.
function observeJobs(registry: Registry, jobTotals: HubMetricSources['jobTotals']): void {
  new Gauge({
    name: 'tether_jobs',
    help: 'Update and backup jobs by kind and state (queued, running, paused, completed, halted, canceled)',
    labelNames: ['kind', 'state'] as const,
    registers: [registry],
    collect() {
      const totals = jobTotals();
      // Unknown for now: no series rather than stale ones.
      if (totals === undefined) return this.reset();
      for (const kind of jobKinds) {
        for (const state of jobStates) this.set({ kind, state }, totals.find((row) => row.kind === kind && row.state === state)?.jobs ?? 0);
      }
    },
  });
  new Gauge({
    name: 'tether_job_devices',
    help: 'Devices of the unfinished (queued, running, paused) update and backup jobs, by kind and status: in_flight, succeeded, failed',
    labelNames: ['kind', 'status'] as const,
    registers: [registry],
    collect() {
      const all = jobTotals();
      if (all === undefined) return this.reset();
      const totals = all.filter((row) => unfinished.has(row.state));
      for (const kind of jobKinds) {
        const ofKind = totals.filter((row) => row.kind === kind);
        for (const [status, key] of deviceStatuses) this.set({ kind, status }, ofKind.reduce((sum, row) => sum + row.devices[key], 0));
      }
    },
  });
}
