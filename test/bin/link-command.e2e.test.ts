// `tether link open|close` as an operator runs it (the built CLI), against a fake hub: its
// REST API on node:http and a link port that decrypts, echoes and encrypts as the real hub's
// does. The real hub and agent are in the DeviceLink end-to-end tests.
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTunnelCipherStreams, tunnelKeyFromHex, readTunnelStreamHeader } from '../../data-plane/tunnel-cipher.js';
import type { TunnelKey } from '../../data-plane/tunnel-cipher.js';
import { assertBuilt, freePort, runCli } from '../e2e/tether-process.js';
import type { TetherProcess } from '../e2e/tether-process.js';

interface Request {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly body: unknown;
}

const within = (ms = 10_000): { signal: AbortSignal } => ({ signal: AbortSignal.timeout(ms) });
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

let requests: Request[] = [];
let linkKey: TunnelKey | undefined;
let linkPort = 0;
let hub = '';
let dir = '';
const servers: (Server | net.Server)[] = [];
const started: TetherProcess[] = [];

function json(response: ServerResponse, status: number, body?: unknown): void {
  response.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' }).end(body === undefined ? undefined : JSON.stringify(body));
}

/** The DeviceLink API: any device but ...:EE opens on `linkPort`; tokens tok-* close. */
function api(request: IncomingMessage, response: ServerResponse): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const text = Buffer.concat(chunks).toString();
    const body: unknown = text === '' ? undefined : JSON.parse(text);
    requests.push({ method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization, body });
    const url = request.url ?? '';
    if (request.method === 'POST' && url === '/api/v1/devicelink/00%3A11%3A22%3AAA%3ABB%3AEE') {
      return json(response, 404, { error: { code: 'not_found', message: 'no device 00:11:22:AA:BB:EE', details: ['params.deviceIdentifier'] } });
    }
    if (request.method === 'POST' && url.startsWith('/api/v1/devicelink/')) {
      const { devicePort, encrypt } = body as { devicePort: number; encrypt?: { key: string; initializationVector: string } };
      linkKey = encrypt === undefined ? undefined : tunnelKeyFromHex(encrypt);
      return json(response, 201, { devicePort, ...(encrypt === undefined ? {} : { encrypt }), port: linkPort, token: 'tok-1' });
    }
    if (request.method === 'DELETE' && /^\/api\/v1\/devicelink\/tok-/.test(url)) return json(response, 204);
    json(response, 404, { error: { code: 'not_found', message: 'no such link', details: [] } });
  });
}

/** The link's port: the stream header, then decrypt, echo, encrypt (or a plain echo). */
function linkConnection(socket: Socket): void {
  socket.on('error', () => undefined);
  const key = linkKey;
  if (key === undefined) return void pipeline(socket, socket).catch(() => undefined);
  void (async () => {
    const streamIndex = await readTunnelStreamHeader(socket);
    const { decryptFromClient, encryptToClient } = createTunnelCipherStreams({ ...key, streamIndex });
    await pipeline(socket, decryptFromClient, encryptToClient, socket);
  })().catch(() => socket.destroy());
}

async function listen(server: Server | net.Server): Promise<number> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening', within());
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tether-link-cli-'));
  hub = `http://127.0.0.1:${await listen(createServer(api))}`;
  linkPort = await listen(net.createServer({ allowHalfOpen: true }, linkConnection));
});

afterEach(() => {
  requests = [];
});

afterAll(async () => {
  for (const p of started) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  rmSync(dir, { recursive: true, force: true });
});

const isolated = (): NodeJS.ProcessEnv => ({ TETHER_CONFIG: join(dir, 'none.json'), TETHER_HUB: '', TETHER_TOKEN: '', TETHER_CA: '' });

function cli(args: string[]): TetherProcess {
  const process = runCli([...args, '--hub', hub, '--token', 'secret'], isolated());
  started.push(process);
  return process;
}

/** The first line the command prints, once it is there. */
function firstLine(process: TetherProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const line = /^(.*)\n/.exec(process.stdout());
      if (line?.[1] !== undefined) resolve(line[1]);
    };
    process.child.stdout.on('data', check);
    check();
    void process.exited.then((code) => reject(new Error(`exited ${String(code)} before a line: ${process.stderr()}`)));
  });
}

async function roundTrip(port: number, data: Buffer): Promise<Buffer> {
  const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  const ended = once(socket, 'end', within());
  socket.end(data);
  await ended;
  return Buffer.concat(received);
}

describe('tether link open', () => {
  it('opens an encrypted link, carries bytes through the local port, and closes the link on SIGINT', async () => {
    const link = cli(['link', 'open', '001122aabbcc', '--port', '22', '--encrypt', '--json']);
    const printed = JSON.parse(await firstLine(link)) as Record<string, unknown>;
    expect(printed).toEqual({
      device: '00:11:22:AA:BB:CC',
      protocol: 'tcp',
      devicePort: 22,
      local: `127.0.0.1:${String(printed.port)}`,
      port: expect.any(Number),
      hubPort: linkPort,
      token: 'tok-1',
      encrypted: true,
    });
    expect(requests).toEqual([
      {
        method: 'POST',
        url: '/api/v1/devicelink/00%3A11%3A22%3AAA%3ABB%3ACC',
        authorization: 'Bearer secret',
        body: { protocol: 'tcp', devicePort: 22, encrypt: { key: expect.stringMatching(/^[0-9a-f]{64}$/), initializationVector: expect.stringMatching(/^[0-9a-f]{32}$/) } },
      },
    ]);
    const data = randomBytes(1024 * 1024);
    expect(sha256(await roundTrip(Number(printed.port), data))).toBe(sha256(data));

    link.child.kill('SIGINT');
    expect(await link.exited).toBe(0);
    expect(requests.at(-1)).toMatchObject({ method: 'DELETE', url: '/api/v1/devicelink/tok-1', authorization: 'Bearer secret' });
  });

  it('prints one line for people, serves the local port asked for, and closes on SIGTERM', async () => {
    const port = await freePort();
    const link = cli(['link', 'open', '00-11-22-aa-bb-cc', '--port', '80', '--local', String(port)]);
    expect(await firstLine(link)).toBe(`link open: 127.0.0.1:${port} -> 00:11:22:AA:BB:CC port 80 (token tok-1)`);
    expect((await roundTrip(port, Buffer.from('plain'))).toString()).toBe('plain');
    link.child.kill('SIGTERM');
    expect(await link.exited).toBe(0);
    expect(requests.map((r) => r.method)).toEqual(['POST', 'DELETE']);
  });

  it("tells the hub's refusal in one line and exits 1", async () => {
    const link = cli(['link', 'open', '00:11:22:AA:BB:EE', '--port', '22']);
    expect(await link.exited).toBe(1);
    expect(link.stderr()).toBe('tether: not_found: no device 00:11:22:AA:BB:EE\n');
  });

  it('closes the link again when the local port is taken', async () => {
    const taken = net.createServer();
    const port = await listen(taken);
    const link = cli(['link', 'open', '001122aabbcc', '--port', '22', '--local', String(port)]);
    expect(await link.exited).toBe(1);
    expect(link.stderr()).toMatch(/^tether: listen EADDRINUSE.*\n$/);
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /api/v1/devicelink/00%3A11%3A22%3AAA%3ABB%3ACC', 'DELETE /api/v1/devicelink/tok-1']);
  });

  it('says so when the hub has closed the link', async () => {
    const saved = linkPort;
    linkPort = await freePort();
    try {
      const link = cli(['link', 'open', '001122aabbcc', '--port', '22', '--json']);
      const printed = JSON.parse(await firstLine(link)) as { port: number; hubPort: number };
      const socket = net.connect({ host: '127.0.0.1', port: printed.port });
      socket.on('error', () => undefined);
      expect(await link.exited).toBe(1);
      expect(link.stderr()).toBe(`tether: link_closed: the hub closed the link: 127.0.0.1:${printed.hubPort} refused the connection\n`);
    } finally {
      linkPort = saved;
    }
  });

  it('refuses without a hub, saying where one comes from', async () => {
    const link = runCli(['link', 'open', '001122aabbcc', '--port', '22'], isolated());
    started.push(link);
    expect(await link.exited).toBe(1);
    expect(link.stderr()).toBe('tether: no hub given: use --hub URL, set TETHER_HUB, or run `tether login --hub URL`\n');
  });
});

describe('tether link close', () => {
  it('deletes the link by its token', async () => {
    const close = cli(['link', 'close', 'tok-7']);
    expect(await close.exited).toBe(0);
    expect(close.stdout()).toBe('link closed\n');
    expect(requests).toEqual([{ method: 'DELETE', url: '/api/v1/devicelink/tok-7', authorization: 'Bearer secret', body: undefined }]);
  });

  it('exits 1 with the hub message for an unknown token', async () => {
    const close = cli(['link', 'close', 'nope']);
    expect(await close.exited).toBe(1);
    expect(close.stderr()).toBe('tether: not_found: no such link\n');
  });
});
