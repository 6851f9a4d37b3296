// GET /metrics: Prometheus text without a token, with the process metrics and the hub's own:
// connected devices, open sessions and relayed bytes through a real agent and real sockets,
// projection lag, and append latency by outcome (job progress: job-metrics.int.test.ts).
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genesisHash } from '../../../actors/runtime/hash-chain.js';
import type { EventToAppend } from '../../../domain/ports/event-store.js';
import { systemPrincipal } from '../../../domain/principal.js';
import { startTestHub } from '../hub-harness.js';
import type { TestHub } from '../hub-harness.js';
import { startLinkedHub, waitMs } from '../linked-hub.js';
import type { LinkedHub } from '../linked-hub.js';
import { scrape, value } from './scrape.js';

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${waitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const noise = (i: number): EventToAppend => ({
  type: 'Noise',
  data: { i },
  metadata: { actor: systemPrincipal, correlationId: 'noise', causationId: 'noise', at: '2026-01-01T00:00:00.000Z', previousHash: genesisHash, hash: `h${i}` },
});

describe('/metrics', () => {
  let t: TestHub;

  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => t.close());

  it('answers in the Prometheus text format without a token, with the process metrics', async () => {
    const response = await t.call({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(value(response.body, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(value(response.body, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    for (const name of ['tether_devices_connected', 'tether_sessions_open', 'tether_projection_lag_events']) {
      expect(value(response.body, name)).toBe(0);
    }
  });

  it('times appends by outcome: ok, and conflict for a wrong expected revision', async () => {
    const before = await scrape(t);
    const okBefore = value(before, 'tether_event_append_seconds_count', 'outcome="ok"');
    await t.createTenant(await t.adminToken(), 'timed');
    await expect(t.hub.store.append('noise-1', [noise(0)], 'no_stream')).resolves.toMatchObject({ nextRevision: 0 });
    await expect(t.hub.store.append('noise-1', [noise(1)], 'no_stream')).rejects.toThrow(/expected no_stream/);
    const after = await scrape(t);
    // The tenant's creation and the first noise event, at least.
    expect(value(after, 'tether_event_append_seconds_count', 'outcome="ok"')).toBeGreaterThanOrEqual(okBefore + 2);
    expect(value(after, 'tether_event_append_seconds_count', 'outcome="conflict"')).toBe(1);
    expect(value(after, 'tether_event_append_seconds_bucket', 'le="+Inf",outcome="conflict"')).toBe(1);
  });

  it('reports how far the read models are behind the store', async () => {
    await t.hub.readModels.waitFor(await t.head(), waitMs);
    const running = await scrape(t);
    expect(value(running, 'tether_projection_lag_events')).toBe(0);
    expect(value(running, 'tether_jobs', 'kind="update",state="running"')).toBe(0);
    await t.hub.readModels.stop();
    await t.hub.store.append('noise-2', [noise(0), noise(1), noise(2)], 'no_stream');
    const stopped = await scrape(t);
    expect(value(stopped, 'tether_projection_lag_events')).toBe(3);
    // What only the read models know is left out while they are closed, rather than stale.
    expect(stopped).not.toMatch(/^tether_jobs\{/m);
    expect(stopped).not.toMatch(/^tether_job_devices\{/m);
  });
});

describe('/metrics with a device', () => {
  let hub: LinkedHub;
  let echo: Server;

  beforeAll(async () => {
    hub = await startLinkedHub();
    echo = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.pipe(socket);
    });
    echo.listen(0, '127.0.0.1');
    await once(echo, 'listening');
  });
  afterAll(async () => {
    echo.close();
    await hub.close();
  });

  /** Opens a link to the echo server and sends `size` bytes through it; resolves once they are back, link still open. */
  async function relay(size: number): Promise<{ token: string; end: () => void }> {
    const opened = await hub.openLink({ protocol: 'tcp', devicePort: (echo.address() as AddressInfo).port });
    expect(opened.status).toBe(201);
    const client = connect({ port: opened.body.port, host: '127.0.0.1' });
    client.on('error', () => undefined);
    const echoedBack = new Promise<void>((resolve) => {
      let echoed = 0;
      client.on('data', (chunk: Buffer) => {
        echoed += chunk.length;
        if (echoed === size) resolve();
      });
    });
    client.write(Buffer.alloc(size, 7));
    await echoedBack;
    return { token: opened.body.token, end: () => client.destroy() };
  }

  const relayed = (text: string, direction: 'to_device' | 'from_device'): number =>
    value(text, 'tether_relayed_bytes_total', `direction="${direction}"`);

  it('counts the connected device, the open sessions and the bytes they relay, ended links included', async () => {
    expect(value(await scrape(hub), 'tether_devices_connected')).toBe(1);
    const first = await relay(300_000);
    const live = await scrape(hub);
    expect(value(live, 'tether_sessions_open')).toBe(1);
    expect(relayed(live, 'to_device')).toBe(300_000);
    expect(relayed(live, 'from_device')).toBe(300_000);

    first.end();
    expect(await hub.deleteLink(first.token)).toBe(204);
    const ended = await scrape(hub);
    expect(value(ended, 'tether_sessions_open')).toBe(0);
    expect(relayed(ended, 'to_device')).toBe(300_000);

    const second = await relay(1000);
    const both = await scrape(hub);
    expect(value(both, 'tether_sessions_open')).toBe(1);
    expect(relayed(both, 'to_device')).toBe(301_000);
    expect(relayed(both, 'from_device')).toBe(301_000);
    second.end();

    await hub.agent.stop();
    await until('the device disconnected', async () => value(await scrape(hub), 'tether_devices_connected') === 0);
  });
});
