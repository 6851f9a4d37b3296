// A hub on a temp data directory with a manual clock, and helpers to call it as a client would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { buildHub } from '../../api/hub.js';
import type { Hub, HubConfig } from '../../api/hub.js';
import type { Position } from '../../domain/ports/event-store.js';
import { ManualClock } from '../support/manual-clock.js';

export const adminPassword = 'admin-password-for-tests';
export const tokenSecret = 'test-token-secret-0123456789abcdef-0123456789';
/**
 * Test hubs space their store's positions out, as EventStoreDB's are: code that computes a
 * position (adds to one) reads after no event's and is refused, so every test would catch it.
 */
export const positionStride = 3;
/**
 * The manual clock stands still unless a test moves it, so a gateway rate window would never
 * end: tests that connect many devices from 127.0.0.1 get room, those of the limits set their own.
 */
export const testGatewayLimits = { hellosPerSecondPerIp: 1_000_000, registrationsPerHourPerIp: 1_000_000 };

/**
 * A node of a test cluster: hubs in one process on one data directory, each binding its
 * DeviceLink ports on its own loopback address (127.0.0.1, .2, .3), as --link-bind would on
 * machines of their own. The hub listens where the test says.
 */
export function clusterNodeConfig(dataDir: string, nodeId: string, bindAddress: string, linkPorts: { readonly from: number; readonly to: number }): HubConfig {
  return {
    dataDir,
    nodeId,
    tokenSecret,
    adminPassword,
    sealKey: 'ef'.repeat(32),
    positionStride,
    gatewayLimits: testGatewayLimits,
    deviceLink: { ports: linkPorts, bindAddress },
  };
}

export interface TestHub {
  readonly hub: Hub;
  readonly clock: ManualClock;
  readonly dataDir: string;
  call(options: InjectOptions & { token?: string }): Promise<LightMyRequestResponse>;
  login(body: { password: string; tenant?: string }, remoteAddress?: string): Promise<LightMyRequestResponse>;
  adminToken(): Promise<string>;
  tenantToken(tenant: string, password: string): Promise<string>;
  createTenant(token: string, id: string, password?: string): Promise<void>;
  head(): Promise<Position>;
  close(): Promise<void>;
}

export async function startTestHub(overrides: Partial<HubConfig> = {}): Promise<TestHub> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tether-api-'));
  const clock = new ManualClock();
  const hub = await buildHub({ dataDir, nodeId: 'test', tokenSecret, adminPassword, clock, logLevel: 'silent', positionStride, gatewayLimits: testGatewayLimits, ...overrides });

  const call: TestHub['call'] = ({ token, headers, ...options }) =>
    hub.app.inject({ ...options, headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  const login: TestHub['login'] = (body, remoteAddress = '127.0.0.1') =>
    hub.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: body, remoteAddress });
  const tokenOf = async (response: LightMyRequestResponse): Promise<string> => {
    expect(response.statusCode, response.body).toBe(200);
    return (response.json() as { token: string }).token;
  };

  return {
    hub,
    clock,
    dataDir,
    call,
    login,
    adminToken: async () => tokenOf(await login({ password: adminPassword })),
    tenantToken: async (tenant, password) => tokenOf(await login({ tenant, password })),
    async createTenant(token, id, password = `${id}-password`) {
      const response = await call({ method: 'POST', url: '/api/v1/tenants', token, payload: { id, name: `Tenant ${id}`, password } });
      expect(response.statusCode, response.body).toBe(201);
    },
    head: () => hub.store.headPosition(),
    async close() {
      await hub.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
