// The export is streamed: read here by a real HTTP client over a real socket, line by line,
// as it arrives.
import { get } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genesisHash } from '../../actors/runtime/hash-chain.js';
import type { EventToAppend } from '../../domain/ports/event-store.js';
import { systemPrincipal } from '../../domain/principal.js';
import { auditorToken, createAuditor } from './auditors-fixture.js';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

// More than two of the export's pages (1000 events each).
const bulk = 2500;

function noise(i: number): EventToAppend {
  return {
    type: 'Noise',
    data: { i },
    metadata: { actor: systemPrincipal, correlationId: 'bulk', causationId: 'bulk', at: '2026-01-01T00:00:00.000Z', previousHash: genesisHash, hash: `h${i}` },
  };
}

function request(url: string, token: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { authorization: `Bearer ${token}` } }, resolve).once('error', reject);
  });
}

describe('GET /audit/events over a real socket', () => {
  let t: TestHub;
  let base: string;
  let token: string;

  beforeAll(async () => {
    t = await startTestHub();
    // A category no read model follows, so the noise concerns nobody but the export.
    for (let from = 0; from < bulk; from += 500) {
      const events = Array.from({ length: 500 }, (_, k) => noise(from + k));
      await t.hub.store.append('bulk-1', events, 'any');
    }
    await createAuditor(t, await t.adminToken(), 'reader');
    token = await auditorToken(t, 'reader');
    await t.hub.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.hub.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => t.close());

  it('streams chunked NDJSON that a client reads line by line, in position order', async () => {
    const response = await request(`${base}/api/v1/audit/events?category=bulk`, token);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/x-ndjson');
    expect(response.headers['transfer-encoding']).toBe('chunked');
    expect(response.headers['content-length']).toBeUndefined();

    let chunks = 0;
    response.on('data', () => (chunks += 1));
    const seen: number[] = [];
    let lastPosition = -1;
    for await (const line of createInterface({ input: response, crlfDelay: Infinity })) {
      const event = JSON.parse(line) as { position: number; stream: string; data: { i: number } };
      expect(event.stream).toBe('bulk-1');
      expect(event.position).toBeGreaterThan(lastPosition);
      lastPosition = event.position;
      seen.push(event.data.i);
    }
    expect(seen).toEqual(Array.from({ length: bulk }, (_, i) => i));
    // Written a page at a time as the store is read, not as one body.
    expect(chunks).toBeGreaterThanOrEqual(3);
  });

  it('survives a client walking away after the first line, and keeps serving', async () => {
    const response = await request(`${base}/api/v1/audit/events`, token);
    const lines = createInterface({ input: response, crlfDelay: Infinity });
    const closed = new Promise<void>((resolve) => response.once('close', resolve));
    const [first] = await t.hub.store.readAll({ maxCount: 1 });
    for await (const line of lines) {
      expect(JSON.parse(line)).toMatchObject({ position: first?.position });
      break;
    }
    response.destroy();
    await closed;
    const after = await t.call({ method: 'GET', url: '/api/v1/audit/events?stream=auditor-reader', token });
    expect(after.statusCode).toBe(200);
    expect(after.body.trimEnd().split('\n')).toHaveLength(1);
  });
});
