// The admin commands' API client against a tiny real HTTP(S) server: every failure becomes
// one `code: message` line.
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as t from 'io-ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../bin/api-client.js';
import { clientFrom } from '../../bin/client-options.js';
import { CommandError } from '../../bin/command-error.js';
import { freePort } from '../e2e/tether-process.js';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly body: string;
}
const seen: Seen[] = [];

function handle(request: IncomingMessage, response: ServerResponse): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    seen.push({ method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization, body: Buffer.concat(chunks).toString() });
    const json = (status: number, body: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    switch (request.url) {
      case '/ok':
        return json(200, { token: 'T' });
      case '/created':
        return json(201, { port: 40001, token: 'link' });
      case '/empty':
        return void response.writeHead(204).end();
      case '/missing':
        return json(404, { error: { code: 'not_found', message: 'device 00:11:22:AA:BB:CC not found', details: ['params.mac'] } });
      case '/proxy':
        return void response.writeHead(502, 'Bad Gateway', { 'content-type': 'text/html' }).end('<html>upstream down</html>\nmore');
      case '/bare':
        return void response.writeHead(503, 'Service Unavailable').end();
      case '/silent':
        return; // never answers
      default:
        return json(200, { unexpected: true });
    }
  });
}

const servers: Server[] = [];
let hub = '';
let tlsHub = '';
let dir = '';
let ca: Buffer;

async function listen(server: Server): Promise<string> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  hub = `http://${await listen(createServer(handle))}`;
  dir = mkdtempSync(join(tmpdir(), 'tether-api-client-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  // A self-signed certificate stands in for a private CA that signed the hub's certificate.
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
    '-keyout', key, '-out', cert, '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  ], { stdio: 'ignore' });
  ca = readFileSync(cert);
  tlsHub = `https://${await listen(createHttpsServer({ key: readFileSync(key), cert: ca }, handle))}`;
});

afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  rmSync(dir, { recursive: true, force: true });
});

const Token = t.type({ token: t.string }, 'an object {token}');

async function failure(promise: Promise<unknown>): Promise<CommandError> {
  const error: unknown = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof CommandError)) throw new Error(`expected a CommandError, got ${String(error)}`);
  return error;
}

describe('the API client', () => {
  it('sends the bearer token and a JSON body, and decodes the answer', async () => {
    const client = createApiClient({ hub, token: 'secret' });
    expect(await client.call('POST', '/ok', Token, { password: 'pw' })).toEqual({ token: 'T' });
    expect(seen.at(-1)).toEqual({ method: 'POST', url: '/ok', authorization: 'Bearer secret', body: '{"password":"pw"}' });
    await client.send('DELETE', '/empty');
    expect(seen.at(-1)).toMatchObject({ method: 'DELETE', url: '/empty', body: '' });
  });

  it('sends no authorization without a token', async () => {
    await createApiClient({ hub }).call('GET', '/created', t.type({ port: t.number }));
    expect(seen.at(-1)?.authorization).toBeUndefined();
  });

  it("turns the hub's error body into `code: message`", async () => {
    const error = await failure(createApiClient({ hub }).send('GET', '/missing'));
    expect(error.message).toBe('not_found: device 00:11:22:AA:BB:CC not found');
    expect(error).toMatchObject({ code: 'not_found', status: 404, details: ['params.mac'] });
  });

  it('names the status when something else answered', async () => {
    expect((await failure(createApiClient({ hub }).send('GET', '/proxy'))).message).toBe('http_502: <html>upstream down</html>');
    expect((await failure(createApiClient({ hub }).send('GET', '/bare'))).message).toBe('http_503: Service Unavailable');
  });

  it('refuses an answer that is not what was asked for', async () => {
    const error = await failure(createApiClient({ hub }).call('GET', '/other', Token));
    expect(error.message).toBe("invalid_response: the hub's answer to GET /other is not an object {token}");
  });

  it('says the hub cannot be reached when nothing listens', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const error = await failure(createApiClient({ hub: closed }).send('GET', '/ok'));
    expect(error.code).toBe('unreachable');
    expect(error.message).toMatch(new RegExp(`^unreachable: cannot reach ${closed}: .*ECONNREFUSED`));
  });

  it('gives up on a hub that does not answer', async () => {
    const error = await failure(createApiClient({ hub, timeoutMs: 200 }).send('GET', '/silent'));
    expect(error.message).toBe(`unreachable: cannot reach ${hub}: no answer within 200 ms`);
  });

  it('waits as long as a command asks (a restore waits on the device)', async () => {
    const { client } = clientFrom({ hub, token: 'T' }, { env: {}, home: dir }, 300);
    const error = await failure(client.send('GET', '/silent'));
    expect(error.message).toBe(`unreachable: cannot reach ${hub}: no answer within 300 ms`);
  });

  it('trusts a private CA when given, and hints at --ca when not', async () => {
    expect(await createApiClient({ hub: tlsHub, ca }).call('GET', '/ok', Token)).toEqual({ token: 'T' });
    const error = await failure(createApiClient({ hub: tlsHub }).send('GET', '/ok'));
    expect(error.message).toMatch(/^unreachable: cannot reach https:.*self[- ]signed certificate.*give it with --ca FILE/);
  });
});
