// A proxy to a TLS server: the hub verifies the server's certificate chain and name, against
// the system's roots or a private CA the profile names; a certificate it cannot verify ends
// the connection before a byte reaches the target (cause target-refused). Bytes are counted
// in clear, exactly what the client sent and got.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCa } from '../support/test-ca.js';
import type { TestCa } from '../support/test-ca.js';
import { closedSessions, exchange, portOutside } from './forward-fixture.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

const linkPorts = { from: 41000, to: 41999 };
let hub: TestHub;
let admin: string;
let trusted: TestCa;
let stranger: TestCa;
let server: tls.Server;
let serverPort: number;
const received: TLSSocket[] = [];
/** Application bytes the TLS server got, over every connection. */
let appBytes = 0;

async function proxyTo(id: string, targetTls: object): Promise<number> {
  const sourcePort = await portOutside(linkPorts);
  const response = await hub.call({
    method: 'POST',
    url: '/api/v1/proxies',
    token: admin,
    payload: { id, name: id, protocol: 'tcp', sourcePort, target: { type: 'host', address: '127.0.0.1', port: serverPort, tls: targetTls } },
  });
  expect(response.statusCode, response.body).toBe(201);
  return sourcePort;
}

beforeAll(async () => {
  trusted = makeTestCa('Tether Test CA');
  stranger = makeTestCa('Some Other CA');
  server = tls.createServer({ key: trusted.key, cert: trusted.cert }, (socket) => {
    received.push(socket);
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => (appBytes += chunk.length));
    socket.write('secure:');
    socket.pipe(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  serverPort = (server.address() as AddressInfo).port;
  hub = await startTestHub({ deviceLink: { ports: linkPorts, bindAddress: '127.0.0.1' } });
  await hub.hub.app.listen({ port: 0, host: '127.0.0.1' });
  admin = await hub.adminToken();
});

afterAll(async () => {
  await hub.close();
  received.forEach((socket) => socket.destroy());
  server.close();
});

describe('a TCP proxy with TLS to its target', () => {
  it('verifies the target against a private CA and carries clear bytes, counted exactly', async () => {
    const port = await proxyTo('private-ca', { ca: trusted.ca });
    const payload = 'x'.repeat(70_000);
    const answer = await exchange(port, payload);
    expect(answer.toString()).toBe(`secure:${payload}`);
    const [session] = await closedSessions(hub, admin, 'kind=proxy', (s) => s.proxyId === 'private-ca');
    expect(session).toMatchObject({ tls: true, terminationCause: 'client-closed', bytesToDevice: payload.length, bytesFromDevice: payload.length + 'secure:'.length });
  });

  it('refuses a target whose certificate a wrong CA does not vouch for: nothing reaches it', async () => {
    const before = appBytes;
    const port = await proxyTo('wrong-ca', { ca: stranger.ca });
    expect((await exchange(port, 'secret')).length).toBe(0);
    const [session] = await closedSessions(hub, admin, 'kind=proxy', (s) => s.proxyId === 'wrong-ca');
    expect(session).toMatchObject({ terminationCause: 'target-refused', bytesToDevice: 0, bytesFromDevice: 0 });
    expect(appBytes).toBe(before);
  });

  it('checks the name too: a certificate for another name is refused', async () => {
    const port = await proxyTo('wrong-name', { ca: trusted.ca, servername: 'tickets.example.com' });
    expect((await exchange(port, 'secret')).length).toBe(0);
    const [session] = await closedSessions(hub, admin, 'kind=proxy', (s) => s.proxyId === 'wrong-name');
    expect(session?.terminationCause).toBe('target-refused');
  });

  it('trusts the system roots when no CA is named, so a private certificate is refused', async () => {
    const port = await proxyTo('system-roots', {});
    expect((await exchange(port, 'secret')).length).toBe(0);
    const [session] = await closedSessions(hub, admin, 'kind=proxy', (s) => s.proxyId === 'system-roots');
    expect(session?.terminationCause).toBe('target-refused');
  });

  it('skips verification only when the profile says verify: false', async () => {
    const port = await proxyTo('unverified', { verify: false });
    expect((await exchange(port, 'hi')).toString()).toBe('secure:hi');
  });
});
