// A relay given several hub nodes while one of them is unreachable: it registers and reports
// its status through the node that answers, keeps its channel to it, and carries that node's
// links; the unreachable node's channel keeps trying on its own.
import { once } from 'node:events';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelayHandle } from '../../relay-server/relay.js';
import type { RsStatusAnswer } from '../../relay-server/hub-requests.js';
import { startLinkedHub } from '../api/linked-hub.js';
import type { LinkedHub } from '../api/linked-hub.js';
import { startTestRelay } from './relay-fixture.js';

const joinSecret = 'hub-nodes-join-secret';
let t: LinkedHub;
let relay: RelayHandle;
let echo: net.Server;
let unreachable: string;

/** An address no node listens on: a port bound and released. */
async function closedPortUrl(): Promise<string> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  t = await startLinkedHub({ relays: { localRelay: false, joinSecret } });
  echo = net.createServer((socket) => socket.on('error', () => undefined).pipe(socket));
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
  unreachable = await closedPortUrl();
  // The unreachable node first: the registration must go on to the next.
  relay = await startTestRelay(t.url, 'nodes-1', { joinSecret, hubs: [unreachable, t.url], statusIntervalMs: 100 });
});

afterAll(async () => {
  await relay.stop();
  echo.close();
  await t.close();
});

describe('a relay with one of its hub nodes unreachable', () => {
  it('reports its status through the node that answers', async () => {
    const [answer] = (await once(relay.events, 'status', { signal: AbortSignal.timeout(10_000) })) as [RsStatusAnswer];
    expect(answer.result).toBe('SUCCESS');
  });

  it("carries the reachable node's links", async () => {
    const { status, body } = await t.openLink({ protocol: 'tcp', devicePort: (echo.address() as AddressInfo).port });
    expect(status, JSON.stringify(body)).toBe(201);
    expect(body).toMatchObject({ relay: 'nodes-1' });
    const client = net.connect({ host: '127.0.0.1', port: body.port });
    await once(client, 'connect');
    client.write('through the node that answers');
    const [echoed] = (await once(client, 'data', { signal: AbortSignal.timeout(10_000) })) as [Buffer];
    expect(echoed.toString()).toBe('through the node that answers');
    client.destroy();
    expect(relay.links.size).toBe(1);
  });
});
