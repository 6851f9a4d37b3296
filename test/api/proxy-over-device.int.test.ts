// Proxies through a device (a real agent, in this process): tcp-over-device carries bytes to an
// address the device reaches; http-over-device serves the device's web interface through the
// hub to a real HTTP client, with its frame-blocking headers replaced by the dashboard's origin
// so the dashboard can embed it; the device going offline ends the sessions through it.
import { once } from 'node:events';
import { createServer as createHttpServer, request } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../e2e/tether-process.js';
import { closedSessions, echoServer, exchange, portOutside, socketClosed } from './forward-fixture.js';
import type { EchoServer } from './forward-fixture.js';
import { linkedMac, linkedTenant, startLinkedHub } from './linked-hub.js';
import type { LinkedHub } from './linked-hub.js';

const linkPorts = { from: 41000, to: 41999 };
const dashboard = 'https://dashboard.example.com';
let hub: LinkedHub;
let echo: EchoServer;
let web: Server;
let webPort: number;
const webSockets: Socket[] = [];

const deviceTarget = (port: number, extra: object = {}) => ({ tenant: linkedTenant, device: linkedMac, address: '127.0.0.1', port, ...extra });

async function proxy(id: string, protocol: string, target: object): Promise<number> {
  const sourcePort = await portOutside(linkPorts);
  const response = await hub.call({ method: 'POST', url: '/api/v1/proxies', token: hub.admin, payload: { id, name: id, protocol, sourcePort, target } });
  expect(response.statusCode, response.body).toBe(201);
  return sourcePort;
}

/** One request on its own connection, closed after the answer. */
function get(port: number, path: string, method = 'GET', body?: string): Promise<{ response: IncomingMessage; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, path, method, agent: false, headers: { connection: 'close' } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ response, body: text }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

beforeAll(async () => {
  hub = await startLinkedHub();
  echo = await echoServer('device:');
  web = createHttpServer((incoming, response) => {
    let body = '';
    incoming.on('data', (chunk: Buffer) => (body += chunk.toString()));
    incoming.on('end', () => {
      if (incoming.url === '/old') {
        response.writeHead(302, { location: `http://127.0.0.1:${webPort}/new?x=1` }).end();
        return;
      }
      response.writeHead(200, {
        'content-type': 'text/plain',
        'x-frame-options': 'DENY',
        'content-security-policy': "default-src 'self'; frame-ancestors 'none'",
        'x-seen-host': incoming.headers.host ?? '',
        'x-seen-forwarded-for': String(incoming.headers['x-forwarded-for'] ?? ''),
      });
      response.end(`device web: ${incoming.method ?? ''} ${incoming.url ?? ''} ${body}`);
    });
  });
  web.on('connection', (socket: Socket) => webSockets.push(socket));
  web.listen(0, '127.0.0.1');
  await once(web, 'listening');
  webPort = (web.address() as AddressInfo).port;
});

afterAll(async () => {
  await hub.close();
  await echo.close();
  web.close();
});

describe('tcp-over-device', () => {
  it('carries a connection to an address the device reaches, recorded with the device and exact bytes', async () => {
    const port = await proxy('device-echo', 'tcp-over-device', deviceTarget(echo.port));
    const payload = Buffer.alloc(200_000, 3);
    const answer = await exchange(port, payload);
    expect(answer.subarray(0, 7).toString()).toBe('device:');
    expect(answer.subarray(7).equals(payload)).toBe(true);
    const [session] = await closedSessions(hub, hub.admin, 'kind=proxy', (s) => s.proxyId === 'device-echo');
    expect(session).toMatchObject({
      mode: 'tcp-over-device',
      device: '00:11:22:AA:BB:C1',
      tenantId: linkedTenant,
      agentIP: '127.0.0.1',
      terminationCause: 'client-closed',
      bytesToDevice: payload.length,
      bytesFromDevice: payload.length + 7,
    });
  });

  it('ends with target-refused when the agent does not allow the target', async () => {
    const port = await proxy('not-allowed', 'tcp-over-device', { ...deviceTarget(80), address: '192.0.2.1' });
    expect((await exchange(port, 'x')).length).toBe(0);
    const [session] = await closedSessions(hub, hub.admin, 'kind=proxy', (s) => s.proxyId === 'not-allowed');
    expect(session?.terminationCause).toBe('target-refused');
  });
});

describe('http-over-device', () => {
  it('serves the device web server to a real HTTP client, embeddable by the dashboard', async () => {
    const port = await proxy('device-web', 'http-over-device', deviceTarget(webPort, { frameAncestors: [dashboard] }));
    const page = await fetch(`http://127.0.0.1:${port}/status?q=1`);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe('device web: GET /status?q=1 ');
    expect(page.headers.get('x-frame-options')).toBeNull();
    expect(page.headers.get('content-security-policy')).toBe(`default-src 'self', frame-ancestors ${dashboard}`);
    expect(page.headers.get('x-seen-host')).toBe(`127.0.0.1:${webPort}`);
    expect(page.headers.get('x-seen-forwarded-for')).toBe('127.0.0.1');
    const posted = await fetch(`http://127.0.0.1:${port}/form`, { method: 'POST', body: 'a=1&b=2' });
    expect(await posted.text()).toBe('device web: POST /form a=1&b=2');
    const redirect = await fetch(`http://127.0.0.1:${port}/old`, { redirect: 'manual' });
    expect(redirect.headers.get('location')).toBe('/new?x=1');
  });

  it('records each browser connection as a session with its exact bytes', async () => {
    const port = await proxy('device-web-2', 'http-over-device', deviceTarget(webPort));
    const { response, body } = await get(port, '/one');
    expect(body).toBe('device web: GET /one ');
    // Without frameAncestors the device's own headers pass unchanged.
    expect(response.headers['x-frame-options']).toBe('DENY');
    const [session] = await closedSessions(hub, hub.admin, 'kind=proxy', (s) => s.proxyId === 'device-web-2');
    const socket = response.socket;
    expect(session).toMatchObject({ mode: 'http-over-device', terminationCause: 'client-closed', bytesToDevice: socket.bytesWritten, bytesFromDevice: socket.bytesRead });
  });

  it('answers 502 when the device cannot reach the web server', async () => {
    const port = await proxy('device-web-gone', 'http-over-device', deviceTarget(1));
    const { response, body } = await get(port, '/');
    expect(response.statusCode).toBe(502);
    expect(body).toMatch(/Tether could not reach 127\.0\.0\.1:1/);
    const [session] = await closedSessions(hub, hub.admin, 'kind=proxy', (s) => s.proxyId === 'device-web-gone');
    expect(session?.terminationCause).toBe('target-refused');
  });
});

describe('a device that goes away', () => {
  it('ends the live sessions through it with cause device-offline', async () => {
    const port = await proxy('offline', 'tcp-over-device', deviceTarget(echo.port));
    const live = connect({ port, host: '127.0.0.1' });
    live.on('error', () => undefined);
    await once(live, 'data');
    await eventually('the session open', 5000, async () =>
      (await hub.call({ method: 'GET', url: '/api/v1/sessions?kind=proxy&state=open', token: hub.admin })).json<{ items: { proxyId?: string }[] }>().items.some((s) => s.proxyId === 'offline')
        ? true
        : undefined,
    );
    await hub.agent.stop();
    await socketClosed(live);
    const [session] = await closedSessions(hub, hub.admin, 'kind=proxy', (s) => s.proxyId === 'offline');
    expect(session).toMatchObject({ terminationCause: 'device-offline', bytesFromDevice: 7 });
  });
});
