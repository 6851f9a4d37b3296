import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAgent } from '../../agent/agent.js';
import { streamUrl } from '../../agent/stream-dial-back.js';
import { FakeHub } from './fake-hub.js';

const waitMs = 5000;
let tls: { key: string; cert: string };
const cleanups: (() => unknown)[] = [];

beforeAll(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tether-agent-streams-tls-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
    '-keyout', key, '-out', cert, '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  ], { stdio: 'ignore' });
  tls = { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') };
  fs.rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function readAll(socket: Socket): Promise<string> {
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return once(socket, 'end', { signal: AbortSignal.timeout(waitMs) }).then(() => text);
}

describe('stream dial-back URL', () => {
  it.each([
    ['http://hub:8080', 'http://hub:8080/gateway/streams/ID'],
    ['wss://hub.example/tether/', 'https://hub.example/tether/gateway/streams/ID'],
    ['https://hub.example/gateway', 'https://hub.example/gateway/streams/ID'],
    ['http://[::1]:9/', 'http://[::1]:9/gateway/streams/ID'],
  ])('dials %s back at %s', (hub, url) => {
    expect(streamUrl(hub, 'ID').toString()).toBe(url);
  });
});

describe('agent TCP streams over TLS', () => {
  it('dials back over https with the agent CA, and a FIN from the hub still lets the device answer', async () => {
    const target = net.createServer({ allowHalfOpen: true }, (socket) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('end', () => socket.end(`got ${JSON.stringify(text)}`));
    });
    target.listen(0, '127.0.0.1');
    await once(target, 'listening');
    cleanups.push(() => new Promise((resolve) => target.close(resolve)));
    const hub = await FakeHub.start(0, tls);
    cleanups.push(() => hub.close());
    const agent = startAgent({ hub: hub.url, mac: '001122aabbcc', ca: tls.cert, logger: () => undefined });
    cleanups.push(() => agent.stop());

    const connection = await hub.nextConnection();
    await connection.next();
    const streamId = randomUUID();
    const port = (target.address() as AddressInfo).port;
    connection.send({ type: 'open-stream', streamId, protocol: 'tcp', target: { host: '127.0.0.1', port }, token: randomBytes(16).toString('base64url') });
    const raw = (await hub.nextDialBack()).accept();
    const answer = readAll(raw);
    raw.end('question');
    expect(await answer).toBe('got "question"');
  });
});
