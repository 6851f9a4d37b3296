import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAgent } from '../../agent/agent.js';
import type { AgentHandle } from '../../agent/agent.js';
import { FakeHub } from './fake-hub.js';

let dir: string;
let tls: { key: string; cert: string };
let fakeHub: FakeHub;
const agents: AgentHandle[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tether-agent-tls-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  // A self-signed certificate stands in for a private CA that signed the hub's certificate.
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
    '-keyout', key, '-out', cert, '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  ], { stdio: 'ignore' });
  tls = { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') };
  fakeHub = await FakeHub.start(0, tls);
});

afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
});

afterAll(async () => {
  await fakeHub.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function agent(lines: string[], ca?: string): AgentHandle {
  const handle = startAgent({
    hub: fakeHub.url,
    mac: '001122aabbcc',
    logger: (line) => lines.push(line),
    backoff: { baseMs: 20, maxMs: 200, random: () => 0 },
    ...(ca === undefined ? {} : { ca }),
  });
  agents.push(handle);
  return handle;
}

describe('agent over TLS', () => {
  it('connects over wss when the hub certificate chains to the given CA', async () => {
    agent([], tls.cert);
    expect(await (await fakeHub.nextConnection()).next()).toMatchObject({ type: 'hello', mac: '001122aabbcc' });
  });

  it('refuses a hub whose certificate it cannot verify', async () => {
    const lines: string[] = [];
    const handle = agent(lines);
    await once(handle.events, 'offline', { signal: AbortSignal.timeout(5000) });
    expect(lines).toContainEqual(expect.stringMatching(/connection error: .*self[- ]signed certificate/));
  });
});
