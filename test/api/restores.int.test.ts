// Restores are recorded: who asked which device to restore which file, with which account, and
// how it ended. Neither the password nor the URL's query reaches the store; the deadline holds
// across a restart. The simulated agents never answer a restore, so each ending here is the
// hub's own (timeout, device-offline, hub-shutdown); the device's answers are in
// backup-jobs.int.test.ts with the real agent.
import { afterEach, describe, expect, it } from 'vitest';
import { eventLogFile } from '../../api/event-store-factory.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { parseMac } from '../../domain/device/mac.js';
import { restoreAggregate } from '../../domain/restore/aggregate.js';
import { SqliteEventStore } from '../../store/sqlite-event-store.js';
import { storedEvent } from './gateway-client.js';
import { macOf, ok, startAgents, startJobHub, tenant, tenantWithCode } from './job-fixture.js';
import type { JobHub } from './job-fixture.js';
import type { SimulatedAgent } from './simulated-agent.js';

const password = 'restore account password';
const timeoutMs = 60_000;

let test: JobHub | undefined;
let agents: SimulatedAgent[] = [];

afterEach(async () => {
  await Promise.all(agents.map((agent) => agent.stop()));
  agents = [];
  await test?.destroy();
  test = undefined;
});

async function hubWithDevice(): Promise<{ hub: JobHub; admin: string; mac: string }> {
  const hub = await startJobHub({ jobs: { resumeGraceMs: 0, restoreTimeoutMs: timeoutMs } });
  test = hub;
  const admin = await hub.admin();
  const code = await tenantWithCode(hub, admin);
  agents = await startAgents(1, { url: hub.gatewayUrl, code });
  return { hub, admin, mac: macOf(0) };
}

const restoreEvent = (hub: JobHub, type: string): Promise<RecordedEvent> =>
  storedEvent(hub.hub.store, { category: restoreAggregate.category }, (event) => event.type === type, 10_000);

async function auditorOf(hub: JobHub, admin: string, id: string, tenants: readonly string[]): Promise<string> {
  await ok(hub.call({ method: 'POST', url: '/api/v1/auditors', token: admin, payload: { id, name: id, password: `${id}-password`, tenants } }), 201);
  const login = (await ok(hub.call({ method: 'POST', url: '/api/v1/auth/login', payload: { auditor: id, password: `${id}-password` } }))) as { token: string };
  return login.token;
}

describe('a recorded restore', () => {
  it('names the device, the tenant, the file and the account, and ends as timeout on the clock', async () => {
    const { hub, admin, mac } = await hubWithDevice();
    const url = 'http://backups.example:8080/dav/acme/device.cfg?token=query-secret#part';
    const answer = hub.call({ method: 'POST', url: `/api/v1/devices/${mac}/restore`, token: admin, payload: { url, auth: { type: 'basic', username: 'restorer', password } } });

    const requested = await restoreEvent(hub, 'RestoreRequested');
    expect(requested.data).toEqual({
      requestId: requested.stream.slice('restore-'.length),
      mac,
      tenantId: tenant,
      source: 'http://backups.example:8080/dav/acme/device.cfg',
      auth: 'basic',
      username: 'restorer',
      deadline: new Date(hub.clock.now().getTime() + timeoutMs).toISOString(),
    });
    expect(requested.metadata.actor).toMatchObject({ role: 'admin' });

    hub.clock.advance(timeoutMs);
    const response = await answer;
    expect(response.statusCode, response.body).toBe(504);
    const failed = await restoreEvent(hub, 'RestoreFailed');
    expect(failed.stream).toBe(requested.stream);
    expect(failed.data).toEqual({ requestId: requested.data.requestId, cause: 'timeout' });

    const stored = JSON.stringify(await hub.hub.store.readAll({ maxCount: 100_000 }));
    expect(stored).not.toContain(password);
    expect(stored).not.toContain('query-secret');

    // An auditor of the device's tenant reads it; one of another tenant does not.
    await ok(hub.call({ method: 'POST', url: '/api/v1/tenants', token: admin, payload: { id: 'other', name: 'Other', password: 'other-password' } }), 201);
    const own = await auditorOf(hub, admin, 'acme-auditor', [tenant]);
    const other = await auditorOf(hub, admin, 'other-auditor', ['other']);
    const read = (token: string) => hub.call({ method: 'GET', url: `/api/v1/audit/events?stream=${requested.stream}`, token });
    expect((await read(own)).body.trimEnd().split('\n').map((line) => (JSON.parse(line) as { type: string }).type)).toEqual(['RestoreRequested', 'RestoreFailed']);
    expect((await read(other)).body).toBe('');
  });

  it('of a device that is not connected is refused at once, and nothing is recorded', async () => {
    const { hub, admin, mac } = await hubWithDevice();
    await Promise.all(agents.map((agent) => agent.stop()));
    await storedEvent(hub.hub.store, { category: 'device' }, (event) => event.type === 'DeviceDisconnected', 10_000);
    const before = await hub.hub.store.headPosition();
    const response = await hub.call({ method: 'POST', url: `/api/v1/devices/${mac}/restore`, token: admin, payload: { url: 'http://backups.example/f', auth: { type: 'none' } } });
    expect(response.statusCode, response.body).toBe(409);
    expect((response.json() as { error: { code: string } }).error.code).toBe('device_offline');
    expect(await hub.hub.store.headPosition()).toBe(before);
  });

  it('still waiting when the hub stops ends as hub-shutdown', async () => {
    const { hub, admin, mac } = await hubWithDevice();
    const answer = hub.call({ method: 'POST', url: `/api/v1/devices/${mac}/restore`, token: admin, payload: { url: 'http://backups.example/f', auth: { type: 'none' } } });
    const requested = await restoreEvent(hub, 'RestoreRequested');
    await hub.close();
    expect((await answer).statusCode).toBe(503);
    const log = SqliteEventStore.open({ file: eventLogFile(hub.dataDir) });
    const events = await log.readStream(requested.stream).finally(() => log.close());
    expect(events.map((event) => [event.type, event.data.cause])).toEqual([
      ['RestoreRequested', undefined],
      ['RestoreFailed', 'hub-shutdown'],
    ]);
  });

  it('left waiting by a hub that died ends by its deadline after the restart', async () => {
    const first = await startJobHub();
    test = first;
    const requestId = '5f0c6a1e-9d4b-4c1a-8f7e-2b3c4d5e6f70';
    // As a hub that crashed before the device answered leaves it: requested, never ended.
    await first.hub.runtime.execute(
      restoreAggregate,
      requestId,
      { type: 'RequestRestore', requestId, mac: parseMac(macOf(0)), url: 'http://backups.example/f', auth: { type: 'none' }, timeoutMs },
      { principal: { id: 'admin', role: 'admin' } },
    );
    await first.close();
    first.clock.advance(timeoutMs);
    const second = await startJobHub({}, { dataDir: first.dataDir, clock: first.clock });
    test = second;
    const failed = await restoreEvent(second, 'RestoreFailed');
    expect(failed.stream).toBe(`restore-${requestId}`);
    expect(failed.data).toEqual({ requestId, cause: 'timeout' });
  });
});
