// The rollout benchmark's baseline, measured in the same run: the same swarm against a dispatcher
// that speaks just enough of the gateway protocol (hello → welcome, `update` to so many devices at
// a time, the next one on each `update-result`) and keeps nothing. What the machine, the swarm
// and the sockets cost, without anything the hub records.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLeft } from 'fp-ts/lib/Either.js';
import type WebSocket from 'ws';
import { WebSocketServer } from 'ws';
import { listenBacklog } from '../api/listen-backlog.js';
import { AgentMessage } from '../domain/gateway/agent-messages.js';
import { decodeMessage, encodeMessage, maxControlFrameBytes } from '../domain/gateway/frame.js';
import { HubMessage } from '../domain/gateway/hub-messages.js';

export interface BareRollout {
  readonly elapsedMs: number;
  /** The most updates ever sent and not yet answered. */
  readonly maxInFlight: number;
}

export interface BareDispatcher {
  readonly url: string;
  /** Updates every connected device whose firmware differs, `concurrency` at a time. */
  rollOut(version: string, concurrency: number): Promise<BareRollout>;
  close(): Promise<void>;
}

interface Rollout {
  readonly update: HubMessage;
  readonly version: string;
  readonly queue: string[];
  readonly concurrency: number;
  /** Sent and not yet answered: asked again at their next hello, as the hub does, in case an answer was lost with its connection. */
  readonly flying: Set<string>;
  inFlight: number;
  maxInFlight: number;
  left: number;
  done(): void;
}

const textOf = (data: WebSocket.RawData): string =>
  (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');

function updateMessage(version: string): HubMessage {
  const decoded = decodeMessage(HubMessage, JSON.stringify({ type: 'update', jobId: randomUUID(), target: { kind: 'firmware', version }, url: 'http://artifacts.invalid/fw' }));
  if (isLeft(decoded)) throw decoded.left;
  return decoded.right;
}

export async function startBareDispatcher(): Promise<BareDispatcher> {
  const server = createServer((_request, response) => response.writeHead(404).end());
  const wss = new WebSocketServer({ server, perMessageDeflate: false, maxPayload: maxControlFrameBytes });
  const devices = new Map<string, { socket: WebSocket; firmware: string }>();
  let rollout: Rollout | undefined;

  const pump = (current: Rollout): void => {
    while (current.inFlight < current.concurrency) {
      const mac = current.queue.shift();
      if (mac === undefined) return;
      const device = devices.get(mac);
      if (device === undefined || device.firmware === current.version) {
        current.left -= 1;
        if (current.left === 0) current.done();
        continue;
      }
      current.inFlight += 1;
      current.maxInFlight = Math.max(current.maxInFlight, current.inFlight);
      current.flying.add(mac);
      device.socket.send(encodeMessage(current.update));
    }
  };

  const settle = (current: Rollout, mac: string): void => {
    current.flying.delete(mac);
    current.inFlight -= 1;
    current.left -= 1;
    if (current.left === 0) current.done();
    else pump(current);
  };

  wss.on('connection', (socket) => {
    let mac: string | undefined;
    socket.on('error', () => socket.terminate());
    socket.on('close', () => {
      if (mac !== undefined && devices.get(mac)?.socket === socket) devices.delete(mac);
    });
    socket.on('message', (data) => {
      const decoded = decodeMessage(AgentMessage, textOf(data));
      if (isLeft(decoded)) return;
      const message = decoded.right;
      if (message.type === 'hello') {
        mac = message.mac;
        devices.set(mac, { socket, firmware: message.firmware });
        if (message.password === undefined) socket.send(encodeMessage({ type: 'device-password', password: `bare-${mac}` }));
        socket.send(encodeMessage({ type: 'welcome', state: 'assigned' }));
        const asked = rollout?.flying.has(mac) === true ? rollout : undefined;
        if (asked !== undefined && message.firmware === asked.version) settle(asked, mac);
        else if (asked !== undefined) socket.send(encodeMessage(asked.update));
      } else if (message.type === 'update-result' && rollout !== undefined && mac !== undefined && rollout.flying.has(mac)) {
        settle(rollout, mac);
      }
    });
  });

  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: listenBacklog }, resolve));

  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/gateway`,
    rollOut: (version, concurrency) =>
      new Promise((resolve) => {
        const started = performance.now();
        const queue = [...devices.keys()];
        const current: Rollout = {
          update: updateMessage(version),
          version,
          queue,
          concurrency,
          flying: new Set(),
          inFlight: 0,
          maxInFlight: 0,
          left: queue.length,
          done: () => {
            rollout = undefined;
            resolve({ elapsedMs: performance.now() - started, maxInFlight: current.maxInFlight });
          },
        };
        rollout = current;
        if (current.left === 0) current.done();
        else pump(current);
      }),
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
