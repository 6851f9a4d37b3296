// A listening hub for job tests, on a data directory that can outlive it (a restart reuses
// it), with a manual clock, a catalog, a tenant, a provisioning code and simulated agents.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { buildHub } from '../../api/hub.js';
import type { Hub, HubConfig } from '../../api/hub.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { ManualClock } from '../support/manual-clock.js';
import { storedEvent } from './gateway-client.js';
import { adminPassword, testGatewayLimits, tokenSecret } from './hub-harness.js';
import { SimulatedAgent } from './simulated-agent.js';
import type { SimulatedAgentOptions } from './simulated-agent.js';

export const tenant = 'acme';

export interface JobHub {
  readonly hub: Hub;
  readonly clock: ManualClock;
  readonly dataDir: string;
  readonly gatewayUrl: string;
  readonly httpUrl: string;
  call(options: InjectOptions & { token?: string }): Promise<LightMyRequestResponse>;
  admin(): Promise<string>;
  /** Closes the hub, keeping its data directory. */
  close(): Promise<void>;
  /** Closes the hub and deletes its data directory. */
  destroy(): Promise<void>;
}

export async function startJobHub(overrides: Partial<HubConfig> = {}, reuse?: { dataDir: string; clock: ManualClock }): Promise<JobHub> {
  const dataDir = reuse?.dataDir ?? mkdtempSync(join(tmpdir(), 'tether-jobs-'));
  const clock = reuse?.clock ?? new ManualClock();
  const hub = await buildHub({
    dataDir,
    nodeId: 'test',
    tokenSecret,
    adminPassword,
    clock,
    logLevel: 'silent',
    jobs: { resumeGraceMs: 0 },
    gatewayLimits: testGatewayLimits,
    ...overrides,
  });
  await hub.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = hub.app.server.address() as AddressInfo;
  const call: JobHub['call'] = ({ token, headers, ...options }) =>
    hub.app.inject({ ...options, headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  return {
    hub,
    clock,
    dataDir,
    gatewayUrl: `ws://127.0.0.1:${port}/gateway`,
    httpUrl: `http://127.0.0.1:${port}`,
    call,
    async admin() {
      const response = await hub.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { password: adminPassword } });
      expect(response.statusCode, response.body).toBe(200);
      return (response.json() as { token: string }).token;
    },
    close: () => hub.close(),
    async destroy() {
      await hub.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function ok(response: Promise<LightMyRequestResponse>, status = 200): Promise<unknown> {
  const answered = await response;
  expect(answered.statusCode, answered.body).toBe(status);
  return answered.json();
}

export const firmwareCatalog = (versions: readonly string[], models: readonly string[] = ['IP232']) => ({
  devices: models.map((id) => ({ id, versions })),
  versions: versions.map((id, i) => ({ id, build: String(131705 + i), text: `${id} dvl [${131705 + i}]`, wiki: '' })),
});

export const appsCatalog = (name: string, versions: readonly string[]) => ({
  apps: [
    {
      id: name,
      folder: name,
      binary: name,
      versions: versions.map((id, i) => ({ id, build: String(131705 + i), label: 'dvl' })),
      manufacturer: 'innovaphone',
      title: name,
      description: name,
    },
  ],
});

export async function uploadCatalog(test: JobHub, token: string, kind: 'firmware' | 'apps' | 'software', document: unknown): Promise<void> {
  await ok(test.call({ method: 'PUT', url: `/api/v1/catalog/${kind}`, token, payload: { document, baseUrl: 'http://artifacts.example/files' } }));
}

/** A tenant and a provisioning code for `uses` devices. */
export async function tenantWithCode(test: JobHub, token: string, id = tenant, uses = 1000): Promise<string> {
  await ok(test.call({ method: 'POST', url: '/api/v1/tenants', token, payload: { id, name: `Tenant ${id}`, password: `${id}-password` } }), 201);
  const issued = (await ok(test.call({ method: 'POST', url: `/api/v1/tenants/${id}/provisioning-codes`, token, payload: { maxUses: uses } }), 201)) as { code: string };
  return issued.code;
}

export const macOf = (index: number): string => `02${(0x1000 + index).toString(16).padStart(10, '0')}`;

/** `count` agents, each online and assigned (it has its password and was welcomed in the tenant). */
export async function startAgents(count: number, options: Omit<SimulatedAgentOptions, 'mac'> & { readonly first?: number }): Promise<SimulatedAgent[]> {
  const agents = Array.from({ length: count }, (_, i) => new SimulatedAgent({ ...options, mac: macOf((options.first ?? 0) + i) }));
  await Promise.all(agents.map((agent) => agent.until(() => agent.assigned)));
  // The password arrives on the first connection: the device is online in the tenant from then on.
  return agents;
}

export async function jobEvents(test: JobHub): Promise<RecordedEvent[]> {
  const events = await test.hub.store.readAll({ maxCount: 1_000_000 });
  return events.filter((event) => event.stream.startsWith('updatejob-') || event.stream.startsWith('backupjob-'));
}

/** One device's part of a batch event, with the batch's position. */
export interface DeviceRecord {
  readonly position: number;
  readonly stream: string;
  readonly kind: 'dispatched' | 'settled';
  readonly mac: string;
  readonly attempt: number;
  readonly [field: string]: unknown;
}

/** The per-device records of job events (JobDevicesDispatched / JobDevicesSettled), in log order. */
export function deviceRecords(events: readonly RecordedEvent[]): DeviceRecord[] {
  const records: DeviceRecord[] = [];
  for (const event of events) {
    const kind = event.type === 'JobDevicesDispatched' ? 'dispatched' : event.type === 'JobDevicesSettled' ? 'settled' : undefined;
    if (kind === undefined) continue;
    for (const device of event.data.devices as { mac: string; attempt: number }[]) records.push({ ...device, position: event.position, stream: event.stream, kind });
  }
  return records;
}

/** An event whose batch holds this device's record of that kind (and, if given, whose fields match). */
export const withDevice =
  (kind: DeviceRecord['kind'], mac?: string, fields: Record<string, unknown> = {}) =>
  (event: RecordedEvent): boolean =>
    deviceRecords([event]).some((record) => record.kind === kind && (mac === undefined || record.mac === mac) && Object.entries(fields).every(([key, value]) => record[key] === value));

export interface JobHistory {
  /** The most devices in flight at once, per job id. */
  readonly maxInFlight: Readonly<Record<string, number>>;
  /** The most jobs with devices in flight at once. */
  readonly maxJobsInFlight: number;
  /** Dispatches per device per job: [jobId][mac] → attempts. */
  readonly attempts: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** Replays the recorded job events in log order and measures what was in flight. */
export function jobHistory(events: readonly RecordedEvent[]): JobHistory {
  const inFlight = new Map<string, Set<string>>();
  const maxInFlight: Record<string, number> = {};
  const attempts: Record<string, Record<string, number>> = {};
  let maxJobsInFlight = 0;
  for (const event of events) {
    const job = event.stream.slice(event.stream.indexOf('-') + 1);
    const flying = inFlight.get(job) ?? new Set<string>();
    inFlight.set(job, flying);
    for (const record of deviceRecords([event])) {
      if (record.kind === 'dispatched') {
        flying.add(record.mac);
        const perJob = (attempts[job] ??= {});
        perJob[record.mac] = (perJob[record.mac] ?? 0) + 1;
      } else flying.delete(record.mac);
    }
    maxInFlight[job] = Math.max(maxInFlight[job] ?? 0, flying.size);
    maxJobsInFlight = Math.max(maxJobsInFlight, [...inFlight.values()].filter((set) => set.size > 0).length);
  }
  return { maxInFlight, maxJobsInFlight, attempts };
}

export interface JobDetails {
  readonly id: string;
  readonly state: string;
  readonly counts: { attempted: number; inFlight: number; succeeded: number; failed: number };
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly pass: number;
  readonly devices: readonly { mac: string; status: string; error?: string; cause?: string; attempts: number; version?: string; fromVersion?: string; location?: string; bytes?: number }[];
}

export async function jobDetails(test: JobHub, token: string, path: string, id: string): Promise<JobDetails> {
  return (await ok(test.call({ method: 'GET', url: `/api/v1/${path}/${id}`, token }))) as JobDetails;
}

/** Waits for an event of the job's stream that matches (appended already or to come), then for the read models to show it. */
export async function jobEvent(test: JobHub, stream: string, matches: (event: RecordedEvent) => boolean, timeoutMs = 15_000): Promise<RecordedEvent> {
  const event = await storedEvent(test.hub.store, stream, matches, timeoutMs);
  await test.hub.readModels.waitFor(event.position, timeoutMs);
  return event;
}

/** The per-device records of the stream now. */
export async function recordsOf(test: JobHub, stream: string): Promise<DeviceRecord[]> {
  return deviceRecords(await test.hub.store.readStream(stream));
}
