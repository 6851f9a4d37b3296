// Two hubs in one process on one data directory (the multi-node stand-in for a shared store):
// new relays awaiting approval that one address registers through hub A count on hub B and the
// other way round, a burst on both at once registers no more than the address's share, and a
// registration that fails for its own reason gives its count back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHub } from '../../api/hub.js';
import type { Hub } from '../../api/hub.js';
import { ManualClock } from '../support/manual-clock.js';
import { adminPassword, positionStride, tokenSecret } from './hub-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'tether-relay-registrations-'));
const clock = new ManualClock();
let a: Hub;
let b: Hub;

async function register(hub: Hub, name: string, remoteAddress: string, fields: object = {}): Promise<string> {
  const payload = { type: 'register', name, hostName: 'relay.example.net', port: 7070, maxSessions: 10, token: `token-of-${name}`, ...fields };
  const response = await hub.app.inject({ method: 'POST', url: '/remote/rsstatus', payload, remoteAddress });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { reason: string }).reason;
}

beforeAll(async () => {
  const config = { dataDir: dir, tokenSecret, adminPassword, sealKey: 'ab'.repeat(32), clock, logLevel: 'silent', positionStride, relays: { localRelay: false, registrationsPerHourPerIp: 2 } } as const;
  a = await buildHub({ ...config, nodeId: 'node-a' });
  b = await buildHub({ ...config, nodeId: 'node-b' });
});

afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('new relays per address across hub nodes', () => {
  it('counts a registration through hub A on hub B, and refuses the address on both once its share is used', async () => {
    const ip = '10.2.0.1';
    expect(await register(a, 'first-1', ip)).toBe('pending-approval');
    expect(await register(b, 'first-2', ip)).toBe('pending-approval');
    expect(await register(a, 'first-3', ip)).toBe('rate-limited');
    expect(await register(b, 'first-3', ip)).toBe('rate-limited');
    expect(await register(b, 'first-3', '10.2.0.2')).toBe('pending-approval');
    // A relay that holds its token is not new: it registers again through either node.
    expect(await register(b, 'first-1', ip)).toBe('pending-approval');
    clock.advance(3_600_000);
    expect(await register(b, 'first-4', ip)).toBe('pending-approval');
  });

  it('registers no more than the share when a burst reaches both hubs at once', async () => {
    const ip = '10.2.0.3';
    const reasons = await Promise.all(Array.from({ length: 12 }, (_, i) => register(i % 2 === 0 ? a : b, `burst-${i}`, ip)));
    expect(reasons.filter((reason) => reason === 'pending-approval')).toHaveLength(2);
    expect(reasons.filter((reason) => reason === 'rate-limited')).toHaveLength(10);
  });

  it('gives the count of a registration that failed for its own reason back, for both hubs', async () => {
    const ip = '10.2.0.4';
    expect(await register(a, 'bad-port', ip, { port: 0 })).toBe('port-invalid');
    expect(await register(a, 'given-1', ip)).toBe('pending-approval');
    expect(await register(b, 'given-2', ip)).toBe('pending-approval');
    const events = await a.store.readAll();
    expect(events.filter((event) => event.stream.startsWith('registrations-relay.')).map((event) => event.type)).toContain('RegistrationGivenBack');
  });
});
