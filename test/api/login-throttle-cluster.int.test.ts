// Two hubs in one process on one data directory (the multi-node stand-in for a shared store):
// failed logins through hub A count on hub B and the other way round, a burst on both at once
// reaches the password check at most the limit on each hub, and no password is stored.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHub } from '../../api/hub.js';
import type { Hub } from '../../api/hub.js';
import { ManualClock } from '../support/manual-clock.js';
import { adminPassword, positionStride, tokenSecret } from './hub-harness.js';

const sealKey = 'cd'.repeat(32);
const loginThrottle = { maxFailures: 5, windowMs: 60_000 };
const dir = mkdtempSync(join(tmpdir(), 'tether-login-cluster-'));
let a: Hub;
let b: Hub;
const clock = new ManualClock();

const login = (hub: Hub, password: string, remoteAddress: string): Promise<{ statusCode: number; headers: Record<string, unknown> }> =>
  hub.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { password }, remoteAddress });

beforeAll(async () => {
  const config = { dataDir: dir, tokenSecret, adminPassword, sealKey, clock, logLevel: 'silent', positionStride, loginThrottle } as const;
  a = await buildHub({ ...config, nodeId: 'node-a' });
  b = await buildHub({ ...config, nodeId: 'node-b' });
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('login throttling across hub nodes', () => {
  it('counts failures on hub A on hub B, and B refuses the address for the rest of the window', async () => {
    const ip = '10.1.0.1';
    for (let i = 0; i < 5; i += 1) expect((await login(a, 'wrong-password', ip)).statusCode).toBe(401);
    const limited = await login(b, adminPassword, ip);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('60');
    expect((await login(b, adminPassword, '10.1.0.2')).statusCode).toBe(200);
    clock.advance(60_000);
    expect((await login(b, adminPassword, ip)).statusCode).toBe(200);
  });

  it('counts failures alternating between the hubs as one count', async () => {
    const ip = '10.1.0.3';
    for (let i = 0; i < 5; i += 1) expect((await login(i % 2 === 0 ? a : b, 'wrong-password', ip)).statusCode).toBe(401);
    expect((await login(a, adminPassword, ip)).statusCode).toBe(429);
    expect((await login(b, adminPassword, ip)).statusCode).toBe(429);
  });

  it('lets a burst on both hubs at once reach the password check at most the limit on each, then refuses it on both', async () => {
    const ip = '10.1.0.4';
    const responses = await Promise.all(Array.from({ length: 40 }, (_, i) => login(i % 2 === 0 ? a : b, 'wrong-password', ip)));
    const checked = responses.filter((response) => response.statusCode === 401).length;
    expect(checked).toBeGreaterThanOrEqual(5);
    expect(checked).toBeLessThanOrEqual(10);
    expect(responses.filter((response) => response.statusCode === 429)).toHaveLength(40 - checked);
    expect((await login(a, adminPassword, ip)).statusCode).toBe(429);
    expect((await login(b, adminPassword, ip)).statusCode).toBe(429);
  });

  it('records failures without a password, and nothing for a successful login', async () => {
    const events = await a.store.readAll();
    const failures = events.filter((event) => event.stream.startsWith('loginattempts-'));
    expect(failures.length).toBeGreaterThan(0);
    expect(new Set(failures.map((event) => event.type))).toEqual(new Set(['LoginFailed']));
    expect(await login(a, adminPassword, '10.1.0.5')).toMatchObject({ statusCode: 200 });
    expect(await a.store.headPosition()).toBe(events.at(-1)?.position);
    const stored = JSON.stringify(failures);
    for (const password of ['wrong-password', adminPassword]) expect(stored).not.toContain(password);
  });
});
