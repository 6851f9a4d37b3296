// Acceptance (issue 15, point 5): three hub processes on one store (cluster-store.ts), 30 real agents
// spread over them. An update job created on hub A, paused through hub B, resumed through hub
// C: one scheduler (whichever hub holds the lease) dispatches to devices on every hub, each hub
// sends to its own devices and records their answers. Every device is updated exactly once,
// and never more devices are in flight than the job's concurrency (from the stored events).
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterStore } from './cluster-store.js';
import { assertBuilt, eventually, freePort, login, ready, runCli, terminate } from './tether-process.js';
import type { TetherProcess } from './tether-process.js';

const cluster = new ClusterStore('cluster-jobs');
const adminPassword = cluster.adminPassword('cluster-jobs-admin-password');
const env = { TETHER_ADMIN_PASSWORD: adminPassword, TETHER_TOKEN_SECRET: '', TETHER_SEAL_KEY: '' };
const tenant = cluster.name('acme');
const software = cluster.name('myapps');
const deviceCount = 30;
const concurrency = 4;
const binary = Buffer.from('myApps 2.0 build 20\n'.repeat(500));
const macOf = (i: number): string => cluster.mac(`02:00:00:00:10:${i.toString(16).padStart(2, '0')}`);

const running = (p: TetherProcess): boolean => p.child.exitCode === null && p.child.signalCode === null;

/** The events of a job's stream, read from the shared store as any process may. */
async function jobEventsOf(stream: string): Promise<{ type: string; data: { devices?: { mac: string; outcome?: string }[] } }[]> {
  return (await cluster.eventsOf(stream)).map((event) => ({ type: event.type, data: event.data as { devices?: { mac: string; outcome?: string }[] } }));
}

describe('an update job across three hubs', () => {
  // The hubs' --data; the artifacts and the agents' files beside it.
  const dir = cluster.dataDir;
  const hubs: TetherProcess[] = [];
  const agents: TetherProcess[] = [];
  let token: string;

  const api = (hub: TetherProcess, method: string, path: string, body?: object): Promise<Response> =>
    fetch(`${hub.baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  async function ok(response: Promise<Response>, status = 200): Promise<unknown> {
    const answered = await response;
    expect(answered.status, await answered.clone().text()).toBe(status);
    return answered.json();
  }

  beforeAll(async () => {
    assertBuilt();
    const artifacts = join(dir, 'artifacts');
    mkdirSync(join(artifacts, 'myapps', '20'), { recursive: true });
    writeFileSync(join(artifacts, 'myapps', '20', 'myapps.bin'), binary);
    const sha256 = createHash('sha256').update(binary).digest('hex');
    const versions = [
      { id: '1.0', build: '10', label: 'dvl' },
      { id: '2.0', build: '20', label: 'dvl', sha256 },
    ];
    writeFileSync(join(artifacts, 'software.json'), JSON.stringify({ software: [{ id: software, folder: 'myapps', binary: 'myapps.bin', versions, manufacturer: 'example', title: 'myApps', description: 'myApps' }] }));
    const hook = join(dir, 'install-hook.sh');
    writeFileSync(hook, 'exit 0\n');
    chmodSync(hook, 0o700);
    for (const [i, node] of ['node-a', 'node-b', 'node-c'].entries()) {
      const from = 45400 + i * 20;
      const hub = cluster.serve({ port: await freePort(), nodeId: node, env, args: ['--lease-ms', '3000', '--link-ports', `${from}-${from + 9}`, '--artifacts', artifacts, '--job-resume-grace', '0'] });
      hubs.push(hub);
      await ready(hub);
    }
    const [a] = hubs;
    if (a === undefined) throw new Error('no hub');
    token = await login(a, { password: adminPassword });
    await ok(api(a, 'POST', '/tenants', { id: tenant, name: 'Acme', password: 'acme-tenant-password' }), 201);
    const imported = await runCli(['catalog', 'import', 'software', '--url', `${a.baseUrl}/artifacts/software.json`, '--hub', a.baseUrl, '--token', token]).exited;
    expect(imported).toBe(0);
    const { code } = (await ok(api(a, 'POST', `/tenants/${tenant}/provisioning-codes`, { maxUses: deviceCount }), 201)) as { code: string };
    for (let i = 0; i < deviceCount; i += 1) {
      const hub = hubs[i % hubs.length] ?? a;
      // Each agent downloads beside its state file: one directory each.
      mkdirSync(join(dir, `agent-${i}`));
      const args = ['agent', '--hub', hub.baseUrl, '--mac', macOf(i), '--model', 'IP232', '--state', join(dir, `agent-${i}`, 'state.json'), '--on-update', `sh ${hook}`, '--code', code, '--software', `${software}@1.0`];
      agents.push(runCli(args));
    }
    await eventually('every device online in acme', 60_000, async () => {
      const response = await api(a, 'GET', `/devices?limit=100&tenant=${tenant}`);
      const listed = response.status === 200 ? ((await response.json()) as { items: { state: string }[] }) : undefined;
      return listed !== undefined && listed.items.filter((device) => device.state === 'online').length === deviceCount ? true : undefined;
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([...agents, ...hubs].filter(running).map(terminate));
    await cluster.close();
  });

  it('created on A, paused on B, resumed on C: every device updated once, never more than the concurrency in flight', async () => {
    const [a, b, c] = hubs;
    if (a === undefined || b === undefined || c === undefined) throw new Error('three hubs');
    const body = { name: 'myapps 2.0', tenants: [tenant], categories: [], target: { kind: 'software', name: software, version: '2.0' }, concurrency };
    const { id } = (await ok(api(a, 'POST', '/update-jobs', body), 201)) as { id: string };
    const stream = `updatejob-${id}`;
    await eventually('some devices settled', 30_000, async () => ((await jobEventsOf(stream)).some((event) => event.type === 'JobDevicesSettled') ? true : undefined));
    await ok(api(b, 'POST', `/update-jobs/${id}/pause`));
    await ok(api(c, 'POST', `/update-jobs/${id}/resume`));
    await eventually('the job completed', 90_000, async () => ((await jobEventsOf(stream)).some((event) => event.type === 'JobCompleted') ? true : undefined));

    const events = await jobEventsOf(stream);
    const dispatched = events.filter((event) => event.type === 'JobDevicesDispatched').flatMap((event) => event.data.devices ?? []);
    expect(dispatched).toHaveLength(deviceCount);
    expect(new Set(dispatched.map(({ mac }) => mac)).size).toBe(deviceCount);
    const settled = events.filter((event) => event.type === 'JobDevicesSettled').flatMap((event) => event.data.devices ?? []);
    expect(settled.filter(({ outcome }) => outcome === 'succeeded')).toHaveLength(deviceCount);
    const inFlight = new Set<string>();
    let most = 0;
    for (const event of events) {
      if (event.type === 'JobDevicesDispatched') for (const { mac } of event.data.devices ?? []) inFlight.add(mac);
      if (event.type === 'JobDevicesSettled') for (const { mac } of event.data.devices ?? []) inFlight.delete(mac);
      most = Math.max(most, inFlight.size);
    }
    expect(most).toBeLessThanOrEqual(concurrency);
    const types = events.map((event) => event.type);
    expect(types.indexOf('JobPaused')).toBeLessThan(types.indexOf('JobResumed'));
    expect(types.slice(types.indexOf('JobPaused'), types.indexOf('JobResumed'))).not.toContain('JobDevicesDispatched');
  }, 150_000);
});
