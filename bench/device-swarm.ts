// A swarm process of the devices benchmark: thousands of simulated agents on raw `ws`
// clients, speaking what agent/agent.ts speaks (hello, welcome, a ping every 30 s, jittered
// exponential backoff, capped at restartBackoffMaxMs after the hub said it shuts down)
// without its per-agent timers and logging. Driven over IPC.
import { isLeft } from 'fp-ts/lib/Either.js';
import WebSocket from 'ws';
import { backoffDelay, restartBackoffMaxMs } from '../agent/backoff.js';
import type { BackoffOptions } from '../agent/backoff.js';
import { agentVersion } from '../agent/version.js';
import { parseMac } from '../domain/device/mac.js';
import { decodeMessage, encodeMessage, maxControlFrameBytes } from '../domain/gateway/frame.js';
import { HubMessage } from '../domain/gateway/hub-messages.js';
import { epochMs, problemKind } from './swarm-protocol.js';
import type { SwarmCommand, SwarmProgress, SwarmReport, SwarmStart } from './swarm-protocol.js';

interface SimulatedAgent {
  readonly hello: string;
  socket?: WebSocket;
  online: boolean;
  /** Holds one of the first-connection slots until it is welcomed or fails. */
  pending: boolean;
  everOnline: boolean;
  attempt: number;
  alive: boolean;
  /** The hub said it is shutting down: as the agent, wait no longer than restartBackoffMaxMs until it answers. */
  hubRestarting: boolean;
}

const heartbeatMs = 30_000;
const heartbeatTickMs = 1000;
const progressMs = 100;

const report = (message: SwarmReport): void => {
  process.send?.(message);
};

const textOf = (data: WebSocket.RawData): string =>
  (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');

function helloFor(index: number): string {
  return encodeMessage({
    type: 'hello',
    mac: parseMac(`02${index.toString(16).padStart(10, '0')}`),
    model: 'bench-sim',
    firmware: '1.0.0',
    apps: [{ name: 'bench-app', version: '1.0.0' }],
    categories: ['bench'],
    agentVersion,
  });
}

function runSwarm(start: SwarmStart): { stop: () => void; latencies: () => number[] } {
  const backoff: BackoffOptions = { baseMs: start.backoffBaseMs, maxMs: start.backoffMaxMs, random: Math.random };
  const agents: SimulatedAgent[] = Array.from({ length: start.count }, (_, i) => ({
    hello: start.mode === 'agent' ? helloFor(start.firstIndex + i) : '',
    online: false,
    pending: false,
    everOnline: false,
    attempt: 0,
    alive: true,
    hubRestarting: false,
  }));
  const latencies: number[] = [];
  let next = 0;
  let inFlight = 0;
  let stopping = false;
  let online = 0;
  let lastOnlineAt = 0;
  let connects = 0;
  const problems: Record<string, number> = {};
  let dirty = true;
  const problem = (message: string): void => {
    const kind = problemKind(message);
    problems[kind] = (problems[kind] ?? 0) + 1;
    dirty = true;
  };

  const release = (agent: SimulatedAgent): void => {
    if (!agent.pending) return;
    agent.pending = false;
    inFlight -= 1;
    pump();
  };

  const cameOnline = (agent: SimulatedAgent, dialledAt: number): void => {
    if (agent.online) return;
    agent.online = true;
    agent.attempt = 0;
    agent.hubRestarting = false;
    online += 1;
    lastOnlineAt = epochMs();
    dirty = true;
    if (!agent.everOnline) latencies.push(performance.now() - dialledAt);
    agent.everOnline = true;
    release(agent);
  };

  function connect(agent: SimulatedAgent): void {
    if (stopping) return;
    const dialledAt = performance.now();
    connects += 1;
    const ws = new WebSocket(start.url, { handshakeTimeout: 10_000, maxPayload: maxControlFrameBytes, perMessageDeflate: false });
    agent.socket = ws;
    agent.alive = true;
    ws.on('open', () => {
      if (start.mode === 'bare') cameOnline(agent, dialledAt);
      else ws.send(agent.hello);
    });
    ws.on('pong', () => {
      agent.alive = true;
    });
    ws.on('message', (data, isBinary) => {
      agent.alive = true;
      if (isBinary) return;
      const decoded = decodeMessage(HubMessage, textOf(data));
      if (isLeft(decoded)) {
        problem(`undecodable message from the hub: ${decoded.left.message}`);
        return;
      }
      const message = decoded.right;
      if (message.type === 'welcome') cameOnline(agent, dialledAt);
      else if (message.type === 'error') problem(`hub error ${message.code}: ${message.message}`);
      else if (message.type === 'closing' && message.cause === 'hub-shutdown') agent.hubRestarting = true;
      else if (message.type === 'closing') problem(`hub closing: ${message.cause}`);
    });
    ws.on('error', (error) => problem(error.message));
    ws.on('close', () => {
      if (agent.socket === ws) agent.socket = undefined;
      if (agent.online) {
        agent.online = false;
        online -= 1;
        dirty = true;
      }
      release(agent);
      if (stopping) return;
      const delay = backoffDelay(agent.attempt, agent.hubRestarting ? { ...backoff, maxMs: Math.min(backoff.maxMs, restartBackoffMaxMs) } : backoff);
      agent.attempt += 1;
      setTimeout(() => connect(agent), delay);
    });
  }

  function pump(): void {
    while (inFlight < start.window && next < agents.length) {
      const agent = agents[next];
      next += 1;
      if (!agent) continue;
      agent.pending = true;
      inFlight += 1;
      connect(agent);
    }
  }

  // The agent pings every 30 s and drops a connection that stayed silent since the last ping;
  // here one timer walks a thirtieth of the agents each second.
  let tick = 0;
  const buckets = heartbeatMs / heartbeatTickMs;
  const heartbeat = setInterval(() => {
    for (let i = tick % buckets; i < agents.length; i += buckets) {
      const agent = agents[i];
      const ws = agent?.socket;
      if (!agent || !ws || ws.readyState !== WebSocket.OPEN) continue;
      if (!agent.alive) {
        ws.terminate();
        continue;
      }
      agent.alive = false;
      ws.ping();
    }
    tick += 1;
  }, heartbeatTickMs);

  const progress = setInterval(() => {
    if (!dirty) return;
    dirty = false;
    const message: SwarmProgress = { type: 'progress', online, lastOnlineAt, connects, problems };
    report(message);
  }, progressMs);

  pump();
  return {
    latencies: () => latencies,
    stop: () => {
      stopping = true;
      clearInterval(heartbeat);
      clearInterval(progress);
      for (const agent of agents) agent.socket?.terminate();
    },
  };
}

let swarm: ReturnType<typeof runSwarm> | undefined;

process.on('message', (command: SwarmCommand) => {
  switch (command.type) {
    case 'start':
      swarm ??= runSwarm(command);
      return;
    case 'report-latencies':
      report({ type: 'latencies', ms: swarm?.latencies() ?? [] });
      return;
    case 'stop':
      swarm?.stop();
      process.disconnect();
      return;
  }
});
report({ type: 'ready' });
// Without the benchmark there is nobody to report to: never outlive it.
process.on('disconnect', () => {
  swarm?.stop();
  process.exit(0);
});
