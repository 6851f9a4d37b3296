// Issue 14, point 5: what the hub sends a device must fit the agent's control frame (64 KiB),
// or the agent drops it with its connection and the hub sends it again at every hello. Every
// field that reaches a device is bounded where the request arrives (400 naming the field,
// nothing appended); a canceled job sends nothing more; a request too large for a device fails
// that device's attempt instead of going out; job timeouts have a maximum.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { eventLogFile } from '../../api/event-store-factory.js';
import { formatMac } from '../../domain/device/mac.js';
import { SqliteEventStore } from '../../store/sqlite-event-store.js';
import { storedEvent } from './gateway-client.js';
import { jobDetails, jobEvent, macOf, ok, startAgents, startJobHub, tenant, tenantWithCode, withDevice } from './job-fixture.js';
import type { JobHub } from './job-fixture.js';
import type { SimulatedAgent } from './simulated-agent.js';

let test: JobHub | undefined;
let agents: SimulatedAgent[] = [];

afterEach(async () => {
  await Promise.all(agents.map((agent) => agent.stop()));
  agents = [];
  await test?.destroy();
  test = undefined;
});

async function hubWithTenant(): Promise<{ hub: JobHub; admin: string; code: string }> {
  const hub = await startJobHub({ jobs: { resumeGraceMs: 0, restoreTimeoutMs: 60_000 } });
  test = hub;
  const admin = await hub.admin();
  return { hub, admin, code: await tenantWithCode(hub, admin) };
}

const lastPosition = async (hub: JobHub): Promise<number | undefined> =>
  (await hub.hub.store.readAll({ maxCount: 100_000 })).at(-1)?.position;

const huge = 'x'.repeat(70_000);

function refusal(response: { statusCode: number; body: string }): { code: string; details: string[] } {
  expect(response.statusCode, response.body.slice(0, 300)).toBe(400);
  return (JSON.parse(response.body) as { error: { code: string; details: string[] } }).error;
}

describe('fields that reach a device', () => {
  it.each([
    ['a backup target URL of 70,000 characters', { target: { url: `http://dav.example/${huge}`, auth: { type: 'none' } } }, 'body.target.url'],
    ['a backup username of 70,000 characters', { target: { url: 'http://dav.example/b', auth: { type: 'basic', username: huge, password: 'p' } } }, 'body.target.auth.username'],
    ['a backup password of 70,000 characters', { target: { url: 'http://dav.example/b', auth: { type: 'digest', username: 'u', password: huge } } }, 'body.target.auth.password'],
    ['the flat auth of before (a restore\'s shape is asked for)', { target: { url: 'http://dav.example/b', auth: 'basic', username: 'u', password: 'p' } }, 'body.target.auth.type'],
    ['basic auth without a password', { target: { url: 'http://dav.example/b', auth: { type: 'basic', username: 'u' } } }, 'body.target.auth.password'],
    ['a job timeout of two days', { target: { url: 'http://dav.example/b', auth: { type: 'none' } }, timeoutMs: 2 * 24 * 3600 * 1000 }, 'body.timeoutMs'],
  ])('refuse a backup job with %s, naming the field', async (_, fields, path) => {
    const { hub, admin } = await hubWithTenant();
    const before = await lastPosition(hub);
    const response = await hub.call({ method: 'POST', url: '/api/v1/backup-jobs', token: admin, payload: { name: 'too big', tenants: [tenant], categories: [], ...fields } });
    expect(refusal(response).details).toContain(path);
    expect(await lastPosition(hub)).toBe(before);
  });

  it.each([
    ['a username of 70,000 characters', { url: 'http://dav.example/f', auth: { type: 'basic', username: huge, password: 'p' } }, 'body.auth.username'],
    ['a password of 70,000 characters', { url: 'http://dav.example/f', auth: { type: 'digest', username: 'u', password: huge } }, 'body.auth.password'],
    ['a URL of 70,000 characters', { url: `http://dav.example/${huge}`, auth: { type: 'none' } }, 'body.url'],
  ])('refuse a restore with %s at once, naming the field, recording nothing', async (_, body, path) => {
    const { hub, admin, code } = await hubWithTenant();
    agents = await startAgents(1, { url: hub.gatewayUrl, code });
    const before = await lastPosition(hub);
    const requested = storedEvent(hub.hub.store, { category: 'restore' }, () => true, 60_000).then((event) => {
      throw new Error(`recorded ${event.type}`);
    });
    requested.catch(() => undefined);
    const response = await Promise.race([hub.call({ method: 'POST', url: `/api/v1/devices/${macOf(0)}/restore`, token: admin, payload: body }), requested]);
    expect(refusal(response).details).toContain(path);
    expect(await lastPosition(hub)).toBe(before);
  });

  it('refuse a catalog whose base URL leaves no room for the binaries under it', async () => {
    const { hub, admin } = await hubWithTenant();
    const before = await lastPosition(hub);
    const document = { devices: [], versions: [] };
    const response = await hub.call({ method: 'PUT', url: '/api/v1/catalog/firmware', token: admin, payload: { document, baseUrl: `http://artifacts.example/${'a'.repeat(2000)}` } });
    expect(refusal(response).details).toContain('body.baseUrl');
    expect(await lastPosition(hub)).toBe(before);
  });
});

describe('a backup job', () => {
  it('once canceled, sends its request in flight no more, even to a device that comes back', async () => {
    const { hub, admin, code } = await hubWithTenant();
    agents = await startAgents(1, { url: hub.gatewayUrl, code });
    const [agent] = agents;
    if (agent === undefined) throw new Error('no agent');
    const job = (await ok(
      hub.call({ method: 'POST', url: '/api/v1/backup-jobs', token: admin, payload: { name: 'never answered', tenants: [tenant], categories: [], target: { url: 'http://dav.example/b', auth: { type: 'none' } } } }),
      201,
    )) as { id: string };
    await agent.until(() => agent.backups.length === 1);
    await ok(hub.call({ method: 'POST', url: `/api/v1/backup-jobs/${job.id}/cancel`, token: admin }));

    const welcomes = agent.welcomes;
    agent.drop();
    await agent.until(() => agent.welcomes > welcomes);
    // Anything sent after the hello is in order behind a re-sent request: a restore marks the point.
    const restore = hub.call({ method: 'POST', url: `/api/v1/devices/${agent.mac}/restore`, token: admin, payload: { url: 'http://dav.example/f', auth: { type: 'none' } } });
    await agent.until(() => agent.received.some((message) => message.type === 'restore'));
    expect(agent.backups).toHaveLength(1);
    hub.clock.advance(60_000);
    expect((await restore).statusCode).toBe(504);
  });

  it('whose request is larger than a device accepts fails that device instead of sending it', async () => {
    const { hub, admin, code } = await hubWithTenant();
    // A job recorded before the limits: its target URL alone exceeds a control frame.
    const created = (await ok(
      hub.call({ method: 'POST', url: '/api/v1/backup-jobs', token: admin, payload: { name: 'template', tenants: [tenant], categories: ['none-such'], target: { url: 'http://dav.example/b', auth: { type: 'none' } } } }),
      201,
    )) as { id: string };
    const template = await jobEvent(hub, `backupjob-${created.id}`, (event) => event.type === 'BackupJobCreated');
    // Jobs run one after the other: one still running at the restart (its devices have the
    // grace to come back, on a clock that stands still) would hold the legacy job back.
    await jobEvent(hub, `backupjob-${created.id}`, (event) => event.type === 'JobCompleted');
    await hub.close();
    const jobId = randomUUID();
    const data = template.data as { spec: { target: object } };
    const log = SqliteEventStore.open({ file: eventLogFile(hub.dataDir) });
    await log
      .append(`backupjob-${jobId}`, [{ type: 'BackupJobCreated', data: { ...data, jobId, name: 'legacy', categories: [], spec: { ...data.spec, target: { url: `http://dav.example/${huge}`, auth: 'none' } } }, metadata: template.metadata }], 'no_stream')
      .finally(() => log.close());

    // The grace keeps the job running until its device is back.
    const restarted = await startJobHub({ jobs: { resumeGraceMs: 60_000 } }, { dataDir: hub.dataDir, clock: hub.clock });
    test = restarted;
    agents = await startAgents(1, { url: restarted.gatewayUrl, code });
    const [agent] = agents;
    if (agent === undefined) throw new Error('no agent');
    await jobEvent(restarted, `backupjob-${jobId}`, withDevice('settled', macOf(0), { outcome: 'failed' }));
    const details = await jobDetails(restarted, admin, 'backup-jobs', jobId);
    expect(details.devices).toEqual([expect.objectContaining({ mac: formatMac(macOf(0)), status: 'failed', error: expect.stringContaining('larger than a device accepts') })]);
    expect(agent.backups).toEqual([]);
  });
});
