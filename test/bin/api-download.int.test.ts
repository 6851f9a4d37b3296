// The API client's download: the answer's body reaches the output as it arrives (an export
// never sits whole in the CLI's memory), an error answer writes nothing, and an answer that
// breaks off fails.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../bin/api-client.js';
import { CommandError } from '../../bin/command-error.js';

let server: Server;
let hub = '';
/** The answer of /held, written to by the test. */
let held: ServerResponse | undefined;
let heldArrived: () => void = () => undefined;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/held') {
      response.writeHead(200, { 'content-type': 'application/x-ndjson' });
      response.write('{"line":1}\n');
      held = response;
      heldArrived();
      return;
    }
    if (request.url === '/broken') {
      response.writeHead(200, { 'content-type': 'application/x-ndjson' });
      response.write('{"line":1}\n', () => response.destroy());
      return;
    }
    if (request.url === '/refused') {
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { code: 'validation_failed', message: 'invalid request: query.from', details: ['query.from'] } }));
      return;
    }
    response.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  hub = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const received = (out: PassThrough): Promise<string> =>
  once(out, 'data', { signal: AbortSignal.timeout(5000) }).then(([chunk]) => String(chunk));

describe('ApiClient.download', () => {
  it('passes each part of the answer on while the rest is still coming, and leaves the output open', async () => {
    const out = new PassThrough();
    const arrived = new Promise<void>((resolve) => (heldArrived = resolve));
    const first = received(out);
    const done = createApiClient({ hub, token: 'secret' }).download('/held', out);
    await arrived;
    expect(await first).toBe('{"line":1}\n');

    const second = received(out);
    held?.end('{"line":2}\n');
    expect(await second).toBe('{"line":2}\n');
    await done;
    expect(out.writableEnded).toBe(false);
  });

  it('writes nothing of an error answer and fails with its code and message', async () => {
    const out = new PassThrough();
    const error: unknown = await createApiClient({ hub }).download('/refused', out).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).message).toBe('validation_failed: invalid request: query.from');
    expect(out.read()).toBeNull();
  });

  it('fails when the answer breaks off', async () => {
    const out = new PassThrough();
    const error: unknown = await createApiClient({ hub }).download('/broken', out).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).code).toBe('incomplete_answer');
  });
});
