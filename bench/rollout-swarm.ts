// A swarm process of the rollout benchmark: simulated agents on raw `ws` clients, speaking what
// agent/agent.ts speaks for updates: hello with a provisioning code, keep the device password,
// and on `update` install for a fixed time, answer update-result, then reconnect reporting the
// new version. Driven over IPC.
import { isLeft } from 'fp-ts/lib/Either.js';
import WebSocket from 'ws';
import { parseMac } from '../domain/device/mac.js';
import { decodeMessage, encodeMessage, maxControlFrameBytes } from '../domain/gateway/frame.js';
import { HubMessage } from '../domain/gateway/hub-messages.js';
import { epochMs, problemKind } from './swarm-protocol.js';
import type { AfterInstall, RolloutSwarmCommand, RolloutSwarmReport, RolloutSwarmStart } from './rollout-protocol.js';

interface Device {
  readonly mac: string;
  readonly code: string;
  firmware: string;
  password?: string;
  socket?: WebSocket;
  assigned: boolean;
  online: boolean;
  updated: boolean;
}

const report = (message: RolloutSwarmReport): void => {
  process.send?.(message);
};

const textOf = (data: WebSocket.RawData): string =>
  (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');

const benchMac = (index: number): string => `03${index.toString(16).padStart(10, '0')}`;

function runSwarm(start: RolloutSwarmStart): { installs: () => [number, number][]; afterInstall: (behaviour: AfterInstall) => void; stop: () => void } {
  const devices: Device[] = Array.from({ length: start.count }, (_, i) => ({
    mac: parseMac(benchMac(start.firstIndex + i)),
    code: start.codes[(start.firstIndex + i) % start.codes.length] ?? '',
    firmware: '1.0',
    assigned: false,
    online: false,
    updated: false,
  }));
  let installs: [number, number][] = [];
  let behaviour: AfterInstall = 'at-once';
  const problems: Record<string, number> = {};
  let stopping = false;
  let next = 0;
  let pending = 0;
  let dirty = true;

  const problem = (message: string): void => {
    const kind = problemKind(message);
    problems[kind] = (problems[kind] ?? 0) + 1;
    dirty = true;
  };

  function hello(device: Device): string {
    return encodeMessage({
      type: 'hello',
      mac: parseMac(device.mac),
      model: 'IP232',
      firmware: device.firmware,
      apps: [],
      categories: ['bench'],
      agentVersion: 'bench',
      ...(device.password === undefined ? { code: device.code } : { password: device.password }),
    });
  }

  function connect(device: Device, first: boolean): void {
    if (stopping) return;
    const ws = new WebSocket(start.url, { perMessageDeflate: false, maxPayload: maxControlFrameBytes, handshakeTimeout: 30_000 });
    device.socket = ws;
    let welcomed = false;
    ws.on('open', () => ws.send(hello(device)));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const decoded = decodeMessage(HubMessage, textOf(data));
      if (isLeft(decoded)) {
        problem(`undecodable: ${decoded.left.message}`);
        return;
      }
      const message = decoded.right;
      if (message.type === 'device-password') device.password = message.password;
      else if (message.type === 'welcome') {
        welcomed = true;
        if (first) {
          pending -= 1;
          pump();
        }
        if (message.state === 'assigned' || device.password !== undefined) {
          device.assigned = true;
          device.online = true;
          dirty = true;
        }
      } else if (message.type === 'update') {
        const began = epochMs();
        setTimeout(() => {
          installs.push([began, epochMs()]);
          device.firmware = message.target.version;
          device.updated = true;
          dirty = true;
          if (ws.readyState !== WebSocket.OPEN) return;
          ws.send(encodeMessage({ type: 'update-result', jobId: message.jobId, ok: true }));
          if (behaviour === 'stay') return;
          ws.close();
        }, start.installMs);
      } else if (message.type === 'error') problem(`hub error ${message.code}: ${message.message}`);
    });
    ws.on('error', (error) => problem(error.message));
    ws.on('close', () => {
      if (first && !welcomed) {
        pending -= 1;
        pump();
      }
      if (device.online) dirty = true;
      device.online = false;
      if (stopping || device.socket !== ws) return;
      setTimeout(() => connect(device, false), device.updated ? 0 : 500);
    });
  }

  function pump(): void {
    while (!stopping && pending < start.window && next < devices.length) {
      const device = devices[next];
      next += 1;
      if (device === undefined) continue;
      pending += 1;
      connect(device, true);
    }
  }

  pump();
  const progress = setInterval(() => {
    if (!dirty) return;
    dirty = false;
    report({
      type: 'progress',
      assigned: devices.filter((d) => d.assigned).length,
      updated: devices.filter((d) => d.updated).length,
      online: devices.filter((d) => d.online).length,
      problems: { ...problems },
    });
  }, 100);

  return {
    installs: () => {
      const taken = installs;
      installs = [];
      return taken;
    },
    afterInstall: (next) => {
      behaviour = next;
    },
    stop: () => {
      stopping = true;
      clearInterval(progress);
      for (const device of devices) device.socket?.terminate();
    },
  };
}

let swarm: ReturnType<typeof runSwarm> | undefined;
process.on('message', (command: RolloutSwarmCommand) => {
  switch (command.type) {
    case 'start':
      swarm = runSwarm(command);
      return;
    case 'report-installs':
      report({ type: 'installs', installs: swarm?.installs() ?? [] });
      return;
    case 'after-install':
      swarm?.afterInstall(command.behaviour);
      return;
    case 'stop':
      swarm?.stop();
      process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
report({ type: 'ready' });
