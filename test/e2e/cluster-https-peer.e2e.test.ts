// Acceptance (issue 15, routing): a peer whose --internal-url is https, with a certificate from a
// private CA. Hub B serves https with it and holds a device; hub A was started with the CA in
// NODE_EXTRA_CA_CERTS, hub C without. A request for the device asked of A reaches B and is
// answered; asked of C, it cannot be (C does not trust B's certificate): C says which node to
// the client and what to do in its log.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCa } from '../support/test-ca.js';
import { assertBuilt, eventually, freePort, login, ready, runCli, serve, terminate } from './tether-process.js';
import type { TetherProcess } from './tether-process.js';

const adminPassword = 'cluster-https-admin-password';
const env = { TETHER_ADMIN_PASSWORD: adminPassword, TETHER_TOKEN_SECRET: '', TETHER_SEAL_KEY: '' };
const mac = '00:11:22:33:66:B1';

/** B's /readyz over https, trusting the test CA: 200 once B is up. */
const readyOverTls = (port: number, ca: string): Promise<true | undefined> =>
  new Promise((resolve) => {
    const asked = request({ host: '127.0.0.1', port, path: '/readyz', ca }, (response) => {
      response.resume();
      resolve(response.statusCode === 200 ? true : undefined);
    });
    asked.once('error', () => resolve(undefined));
    asked.end();
  });

describe('a peer hub node with an https internal URL and a certificate from a private CA', () => {
  let dir: string;
  const processes: TetherProcess[] = [];
  let a: TetherProcess;
  let c: TetherProcess;
  let token: string;

  const assign = (hub: TetherProcess): Promise<Response> =>
    fetch(`${hub.baseUrl}/api/v1/devices/${mac}/assign`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: 'acme' }),
    });

  beforeAll(async () => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'tether-cluster-https-'));
    const dataDir = join(dir, 'data');
    const ca = makeTestCa('tether-cluster-test-ca');
    const file = (name: string, text: string): string => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const caFile = file('ca.pem', ca.ca);
    const tls = ['--tls-cert', file('b-cert.pem', ca.cert), '--tls-key', file('b-key.pem', ca.key)];
    a = serve({ dataDir, port: await freePort(), nodeId: 'node-a', env: { ...env, NODE_EXTRA_CA_CERTS: caFile }, args: ['--link-ports', '45440-45449'] });
    processes.push(a);
    await ready(a);
    // B's internal URL is the https address it listens on.
    const portB = await freePort();
    processes.push(serve({ dataDir, port: portB, nodeId: 'node-b', env, args: ['--link-ports', '45450-45459', ...tls] }));
    await eventually('B ready over https', 20_000, () => readyOverTls(portB, ca.ca));
    c = serve({ dataDir, port: await freePort(), nodeId: 'node-c', env, args: ['--link-ports', '45460-45469'] });
    processes.push(c);
    await ready(c);
    token = await login(a, { password: adminPassword });
    const created = await fetch(`${a.baseUrl}/api/v1/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'acme', name: 'Acme', password: 'acme-tenant-password' }),
    });
    expect(created.status).toBe(201);
    processes.push(runCli(['agent', '--hub', `https://127.0.0.1:${portB}`, '--ca', caFile, '--mac', mac, '--state', join(dir, 'agent.json')]));
    await eventually('the device online through B', 20_000, async () => {
      const shown = await fetch(`${a.baseUrl}/api/v1/devices/${mac}`, { headers: { authorization: `Bearer ${token}` } });
      return ((await shown.json()) as { online?: boolean }).online === true || undefined;
    });
  }, 90_000);

  afterAll(async () => {
    for (const p of processes.reverse()) if (p.child.exitCode === null && p.child.signalCode === null) await terminate(p);
    rmSync(dir, { recursive: true, force: true });
  });

  it('is reached by a node trusting the CA through NODE_EXTRA_CA_CERTS, and by no other', async () => {
    const untrusting = await assign(c);
    expect(untrusting.status, await untrusting.clone().text()).toBe(503);
    expect(await untrusting.json()).toMatchObject({ error: { code: 'unavailable', message: expect.stringContaining('hub node node-b') } });
    expect(c.stdout()).toContain('start it with NODE_EXTRA_CA_CERTS naming the CA that signed it');
    const trusting = await assign(a);
    expect(trusting.status, await trusting.clone().text()).toBe(200);
    expect(await trusting.json()).toEqual({ mac, tenant: 'acme' });
  }, 30_000);
});
