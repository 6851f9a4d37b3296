// Issue 14, point 5: a job request the agent cannot accept is answered as failed for that job,
// so the hub fails the device's attempt instead of asking again at every hello.
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent } from '../../agent/agent.js';
import type { AgentHandle } from '../../agent/agent.js';
import type { AgentConnection } from './fake-hub.js';
import { FakeHub } from './fake-hub.js';

const hubs: FakeHub[] = [];
const agents: AgentHandle[] = [];

afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
  await Promise.all(hubs.splice(0).map((hub) => hub.close()));
});

async function online(): Promise<AgentConnection> {
  const hub = await FakeHub.start();
  hubs.push(hub);
  const handle = startAgent({ hub: hub.url, mac: '00-11-22-AA-BB-CC', logger: () => undefined, backoff: { baseMs: 20, maxMs: 200, random: () => 0 } });
  agents.push(handle);
  const connection = await hub.nextConnection();
  expect((await connection.next()).type).toBe('hello');
  const welcomed = once(handle.events, 'online', { signal: AbortSignal.timeout(5000) });
  connection.send({ type: 'welcome', state: 'assigned', tenant: 'acme' });
  await welcomed;
  return connection;
}

describe('a job request the agent cannot accept', () => {
  it.each([
    ['a backup with an ftp URL', { type: 'backup', jobId: 'job-1', url: 'ftp://dav.example/b', auth: { type: 'none' } }, { type: 'backup-result', jobId: 'job-1' }],
    ['an update of an unknown kind', { type: 'update', jobId: 'job-2', target: { kind: 'bios', version: '2' }, url: 'http://a.example/f' }, { type: 'update-result', jobId: 'job-2' }],
    ['a restore with an empty username', { type: 'restore', requestId: 'r-1', url: 'http://dav.example/f', auth: { type: 'basic', username: '', password: 'p' } }, { type: 'restore-result', requestId: 'r-1' }],
  ])('is answered as failed: %s', async (_, request, answer) => {
    const connection = await online();
    connection.socket.send(JSON.stringify(request));
    expect(await connection.next()).toEqual({ ...answer, ok: false, error: expect.stringContaining('the device refused the request') });
  });
});
