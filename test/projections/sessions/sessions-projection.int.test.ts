// The session read model, fed by tunnel events appended through the real runtime: each
// record equals the one the tunnel machine keeps (domain/tunnel/session-record.ts), and each
// change names the link's tenant (dashboards of tenants granted access to it hear it by their scope).
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatMac } from '../../../domain/device/mac.js';
import { ActorRuntime } from '../../../actors/runtime/actor-runtime.js';
import { isTetherError } from '../../../domain/errors.js';
import { tunnelAggregate } from '../../../domain/tunnel/aggregate.js';
import { sessionRecord } from '../../../domain/tunnel/session-record.js';
import type { PublishedChange } from '../../../projections/projection.js';
import { ProjectionFailed } from '../../../projections/projection-failed.js';
import { ProjectionRunner } from '../../../projections/projection-runner.js';
import { getSession, listSessions, sessionChanged, sessionsProjection } from '../../../projections/sessions/index.js';
import { tenantsProjection } from '../../../projections/tenants/index.js';
import { ManualClock } from '../../support/manual-clock.js';
import { TunnelCommands } from '../../support/tunnel-commands.js';
import { dumpTables, event, recordingLogger, workspace, type Workspace } from '../projection-fixtures.js';

let ws: Workspace;
let clock: ManualClock;
let runtime: ActorRuntime;
let runner: ProjectionRunner;
let changes: PublishedChange[];
let links: TunnelCommands;

beforeEach(async () => {
  ws = workspace();
  clock = new ManualClock('2026-03-01T10:00:00.000Z');
  runtime = new ActorRuntime({ store: ws.store, clock });
  runner = new ProjectionRunner({ store: ws.store, file: ws.readModels, projections: [tenantsProjection, sessionsProjection], logger: recordingLogger() });
  changes = [];
  runner.onChange((change) => changes.push(change));
  await runner.start();
  links = new TunnelCommands(runtime, (position) => runner.waitFor(position, 5000));
});

afterEach(async () => {
  await runtime.stop();
  await runner.stop();
  await ws.dispose();
});

async function appendTenant(type: string, data: Record<string, unknown>): Promise<void> {
  const { position } = await ws.store.append(`tenant-${data.tenantId as string}`, [event(type, data)], 'any');
  await runner.waitFor(position, 5000);
}

const createTenant = (tenantId: string): Promise<void> =>
  appendTenant('TenantCreated', { tenantId, name: tenantId, passwordHash: 'scrypt$tenant', sealedPassword: 'sealed' });

const session = (id: string) => runner.read((db) => getSession(db, id));

/** The record the machine keeps for this link, as the read model should show it (the MAC as the API writes it). */
async function machineRecord(id: string) {
  const record = sessionRecord((await runtime.load(tunnelAggregate, id)).state);
  return record === undefined ? undefined : { kind: 'devicelink', ...record, device: formatMac(record.device) };
}

describe('sessions projection', () => {
  it('follows a link from open to close exactly as the tunnel machine does', async () => {
    const id = await links.open({ tenantId: 'acme', device: '00:11:22:33:44:55', port: 40001, userIP: '198.51.100.7' });
    expect(session(id)).toEqual(await machineRecord(id));
    expect(session(id)).toMatchObject({ kind: 'devicelink', state: 'open', device: '00:11:22:33:44:55', tenantId: 'acme', relay: 'hub', port: 40001 });
    expect(session(id)).toMatchObject({ requestedBy: { id: 'admin', role: 'admin' }, userIP: '198.51.100.7', createdTime: '2026-03-01T10:00:00.000Z' });

    const first = await links.attach(id, '203.0.113.5', 50000);
    expect(session(id)).toMatchObject({ clientIP: '203.0.113.5', streams: 1, liveStreams: 1 });
    await links.openStream(id, first, '192.0.2.50');
    expect(session(id)?.agentIP).toBe('192.0.2.50');
    await links.traffic(id, 100, 2000);
    expect(session(id)).toMatchObject({ bytesToDevice: 100, bytesFromDevice: 2000, bytesTransferred: 2100 });
    // The first client pinned the link; the second connection comes from the same host.
    const second = await links.attach(id, '203.0.113.5', 50001);
    // A stream that ends on its own raises the floor of the totals past the last report.
    await links.closeStream(id, first, 300, 2500);
    expect(session(id)).toMatchObject({ bytesToDevice: 300, bytesFromDevice: 2500, streams: 2, liveStreams: 1 });
    expect(session(id)).toEqual(await machineRecord(id));

    clock.advance(60_000);
    await links.close(id, 'deleted', 350, 2600);
    expect(session(id)).toEqual(await machineRecord(id));
    expect(session(id)).toMatchObject({
      state: 'closed',
      terminationCause: 'deleted',
      endTime: '2026-03-01T10:01:00.000Z',
      bytesToDevice: 350,
      bytesFromDevice: 2600,
      bytesTransferred: 2950,
      liveStreams: 0,
    });
    expect(second).not.toBe(first);
  });

  it('takes the device address from an attach that carries one, as a TCP link records it', async () => {
    const id = await links.open({ tenantId: 'acme' });
    const stream = await links.attach(id, '203.0.113.5', 50000, '192.0.2.60');
    expect(session(id)).toMatchObject({ agentIP: '192.0.2.60', streams: 1, liveStreams: 1 });
    await links.closeStream(id, stream, 10, 20);
    expect(session(id)).toMatchObject({ agentIP: '192.0.2.60', liveStreams: 0, bytesToDevice: 10, bytesFromDevice: 20 });
    expect(session(id)).toEqual(await machineRecord(id));
  });

  it('publishes session.changed for each change of the record, not for a refused client', async () => {
    const id = await links.open({ tenantId: 'acme' });
    const stream = await links.attach(id, '203.0.113.5', 50000);
    const before = changes.length;
    // Not the pinned client: refused, which the record does not show.
    await links.execute(id, { type: 'AttachClient', streamId: randomUUID(), clientHost: '203.0.113.99', clientPort: 50000 });
    expect((await ws.store.readStream(`tunnel-${id}`)).map((e) => e.type)).toContain('TunnelClientRefused');
    expect(changes.length).toBe(before);

    await links.closeStream(id, stream, 10, 20);
    await links.close(id, 'client-closed', 10, 20);
    const published = changes.filter((change) => change.name === sessionChanged);
    expect(published.map((change) => (change.payload as { state: string }).state)).toEqual(['open', 'open', 'open', 'closed']);
    expect(published.every((change, i) => i === 0 || change.position > (published[i - 1]?.position ?? 0))).toBe(true);
    expect(published.at(-1)?.payload).toEqual(session(id));
  });

  it('names the link\'s tenant alone on each change, grants or not', async () => {
    for (const tenant of ['acme', 'globex', 'initech']) await createTenant(tenant);
    await appendTenant('TenantAccessGranted', { tenantId: 'globex', grantedTenantId: 'acme' });
    const acmeLink = await links.open({ tenantId: 'acme' });
    const initechLink = await links.open({ tenantId: 'initech' });
    const audience = (id: string) => changes.filter((change) => (change.payload as { id: string }).id === id).map((change) => change.tenants);
    expect(audience(acmeLink)).toEqual([['acme']]);
    expect(audience(initechLink)).toEqual([['initech']]);
  });

  it('lists newest first with ties broken by id, and pages with a cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await links.open({ tenantId: 'acme' }));
    clock.advance(1000);
    for (let i = 0; i < 2; i++) ids.push(await links.open({ tenantId: 'acme' }));
    const expected = [...ids.slice(3).sort().reverse(), ...ids.slice(0, 3).sort().reverse()];
    expect(runner.read((db) => listSessions(db, { limit: 10 })).map((s) => s.id)).toEqual(expected);
    const page1 = runner.read((db) => listSessions(db, { limit: 2 }));
    const last = page1.at(-1);
    if (last === undefined) throw new Error('empty page');
    const page2 = runner.read((db) => listSessions(db, { limit: 2, after: { createdTime: last.createdTime, id: last.id } }));
    const lastOf2 = page2.at(-1);
    if (lastOf2 === undefined) throw new Error('empty page');
    const page3 = runner.read((db) => listSessions(db, { limit: 2, after: { createdTime: lastOf2.createdTime, id: lastOf2.id } }));
    expect([...page1, ...page2, ...page3].map((s) => s.id)).toEqual(expected);
  });

  it('rebuilds to the same rows from the store', async () => {
    const id = await links.open({ tenantId: 'acme', protocol: 'udp' });
    const stream = await links.attach(id);
    await links.openStream(id, stream);
    await links.traffic(id, 5, 7);
    await links.close(id, 'idle-timeout', 5, 8);
    await links.open({ tenantId: 'globex' });
    const before = runner.read((db) => dumpTables(db, ['sessions']));
    await runner.rebuild();
    expect(runner.read((db) => dumpTables(db, ['sessions']))).toEqual(before);
  });

  it('stops on a tunnel event for a link that was never opened', async () => {
    await ws.store.append(`tunnel-${randomUUID()}`, [event('TunnelTrafficRecorded', { bytesToDevice: 1, bytesFromDevice: 1 })], 'no_stream');
    await expect.poll(() => runner.failure, { timeout: 5000 }).toBeDefined();
    const { failure } = runner;
    expect(failure instanceof ProjectionFailed && failure.projection === 'sessions' && isTetherError(failure.cause, 'corrupt_event')).toBe(true);
  });
});
