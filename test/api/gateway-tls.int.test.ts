// `tls` makes the hub serve https and wss: the API and the gateway on one TLS port.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DeviceClient } from './gateway-client.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

let certDir: string;
let cert: string;
let t: TestHub;
let port: number;

beforeAll(async () => {
  certDir = mkdtempSync(join(tmpdir(), 'tether-gateway-tls-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
    '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem'),
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  ], { stdio: 'ignore' });
  cert = readFileSync(join(certDir, 'cert.pem'), 'utf8');
  t = await startTestHub({ tls: { cert, key: readFileSync(join(certDir, 'key.pem')) } });
  await t.hub.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.hub.app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await t.close();
  rmSync(certDir, { recursive: true, force: true });
});

describe('hub over TLS', () => {
  it('accepts a device over wss when it trusts the certificate', async () => {
    const client = await DeviceClient.open(`wss://127.0.0.1:${port}/gateway`, { ca: cert });
    client.send({ type: 'hello', mac: '0011223366a1', model: 'm', firmware: 'f', apps: [], categories: [], agentVersion: 'v' });
    expect(await client.expect('welcome')).toEqual({ type: 'welcome', state: 'unassigned' });
    await client.close();
  });

  it('is refused by a device that does not trust the certificate', async () => {
    const socket = new WebSocket(`wss://127.0.0.1:${port}/gateway`);
    const error = await new Promise<Error>((resolve) => socket.once('error', resolve));
    expect(error.message).toMatch(/self[- ]signed certificate/);
  });

  it('serves no plain http on the TLS port', async () => {
    const plain = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0);
    expect(plain).not.toBe(200);
  });
});
