// A listening hub with a real agent (in this process) connected and assigned to a tenant, so
// DeviceLink tests reach a "device" port through real sockets end to end.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { startAgent } from '../../agent/agent.js';
import type { AgentHandle, AgentOptions } from '../../agent/agent.js';
import type { HubConfig } from '../../api/hub.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

export const linkedMac = '00:11:22:AA:BB:C1';
export const linkedTenant = 'acme';
export const waitMs = 10_000;

export interface LinkedHub extends TestHub {
  readonly url: string;
  readonly admin: string;
  readonly agent: AgentHandle;
  readonly agentLines: string[];
  /** POST /api/v1/devicelink/:mac as the admin (or `token`). */
  openLink(body: object, token?: string, mac?: string): Promise<{ status: number; body: LinkResponse }>;
  deleteLink(token: string, as?: string): Promise<number>;
  /** The session record of a link, once the read model shows it in `state`. */
  session(tunnelId: string): Promise<SessionView>;
}

export interface LinkResponse {
  readonly port: number;
  readonly token: string;
  readonly devicePort?: number;
  readonly timeout?: number;
  readonly error?: { code: string; message: string; details: string[] };
}

export interface SessionView {
  readonly id: string;
  readonly state: 'open' | 'closed';
  readonly terminationCause?: string;
  readonly bytesToDevice: number;
  readonly bytesFromDevice: number;
  readonly bytesTransferred: number;
  readonly [field: string]: unknown;
}

export const tunnelIdOf = (token: string): string => token.slice(0, token.indexOf('.'));

export async function startLinkedHub(hubConfig: Partial<HubConfig> = {}, agentOptions: Partial<AgentOptions> = {}): Promise<LinkedHub> {
  const test = await startTestHub({
    // Test files run in parallel: a port another one holds is skipped by the pool.
    deviceLink: { ports: { from: 41000, to: 41999 }, bindAddress: '127.0.0.1' },
    ...hubConfig,
  });
  await test.hub.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = test.hub.app.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const admin = await test.adminToken();
  await test.createTenant(admin, linkedTenant);
  const agentLines: string[] = [];
  const agent = startAgent({
    hub: url,
    mac: linkedMac,
    logger: (line) => agentLines.push(line),
    backoff: { baseMs: 20, maxMs: 200, random: () => 0 },
    ...agentOptions,
  });
  await once(agent.events, 'online', { signal: AbortSignal.timeout(waitMs) });
  const password = once(agent.events, 'password', { signal: AbortSignal.timeout(waitMs) });
  const assigned = await test.call({ method: 'POST', url: `/api/v1/devices/${linkedMac}/assign`, token: admin, payload: { tenant: linkedTenant } });
  expect(assigned.statusCode, assigned.body).toBe(200);
  await password;

  return {
    ...test,
    url,
    admin,
    agent,
    agentLines,
    async openLink(body, token = admin, mac = linkedMac) {
      const response = await test.call({ method: 'POST', url: `/api/v1/devicelink/${mac}`, token, payload: body });
      return { status: response.statusCode, body: response.json() as LinkResponse };
    },
    async deleteLink(linkToken, as = admin) {
      const response = await test.call({ method: 'DELETE', url: `/api/v1/devicelink/${linkToken}`, token: as });
      return response.statusCode;
    },
    async session(tunnelId) {
      const response = await test.call({ method: 'GET', url: `/api/v1/sessions/${tunnelId}`, token: admin });
      expect(response.statusCode, response.body).toBe(200);
      return response.json() as SessionView;
    },
    async close() {
      await agent.stop();
      await test.close();
    },
  };
}
