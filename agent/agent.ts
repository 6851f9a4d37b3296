// The device-side agent: dials out to the hub's gateway, says hello, keeps the device
// password it is given, hands the tenant password to a hook, opens the streams the hub asks
// for to the targets it allows, and always comes back.
import { EventEmitter } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { parseMac } from '../domain/device/mac.js';
import { encodeMessage, maxControlFrameBytes } from '../domain/gateway/frame.js';
import type { AgentEvents, AgentHandle, AgentOptions } from './agent-options.js';
import { defaultAllowList, formatAllowRule } from './allow-list.js';
import { backoffDelay, defaultBackoff, restartBackoffMaxMs } from './backoff.js';
import type { BackoffOptions } from './backoff.js';
import { DeviceFacts } from './device-facts.js';
import { deviceJobs } from './device-jobs.js';
import { deviceStreams } from './device-streams.js';
import type { DeviceStreams } from './device-streams.js';
import { gatewayUrl } from './gateway-url.js';
import { dispatchHubMessage } from './hub-dispatch.js';
import type { HubConnection, HubDispatch } from './hub-dispatch.js';
import { reverseListeners } from './reverse-listeners.js';
import { tenantPasswordHook } from './tenant-password-hook.js';

export type { AgentEvents, AgentHandle, AgentOptions } from './agent-options.js';

const bytesOf = (data: WebSocket.RawData): Buffer =>
  Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);

const defaultLogger = (line: string): void => {
  process.stdout.write(`${new Date().toISOString()} tether-agent ${line}\n`);
};

export function startAgent(options: AgentOptions): AgentHandle {
  const mac = parseMac(options.mac);
  const log = options.logger ?? defaultLogger;
  const backoff: BackoffOptions = { ...defaultBackoff, ...options.backoff };
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const allow = options.allow === undefined || options.allow.length === 0 ? defaultAllowList : options.allow;
  const events = new EventEmitter<AgentEvents>();

  const facts = new DeviceFacts(mac, options);
  const { hubs } = facts;
  let reconnectNow = false;
  let attempt = 0;
  let hubRestarting = false;
  let stopped = false;
  let socket: WebSocket | undefined;
  // The last gateway connection: its streams and dtt-reverse listeners end with it.
  let connection: HubConnection | undefined;
  // Connections the hub answered: one that closes before that moves on to the next address.
  const welcomed = new WeakSet<WebSocket>();
  let reconnectTimer: NodeJS.Timeout | undefined;

  log(`streams allowed to ${allow.map(formatAllowRule).join(', ')}`);
  if (options.serviceEndpoint === true) log('serving as a service endpoint: dtt-reverse applications may reach the allowed targets through this agent');
  if (options.stateFile === undefined) log('no state file: a device password will be kept in memory only');
  else log(facts.password === undefined ? `no device password in ${options.stateFile} yet` : `device password loaded from ${options.stateFile}`);

  const send = (ws: WebSocket, message: Parameters<typeof encodeMessage>[0]): void => {
    if (ws.readyState === WebSocket.OPEN) ws.send(encodeMessage(message));
  };

  // As a device does after installing: drop the connection and come straight back with a new hello.
  function reconnectAtOnce(): void {
    if (stopped) return;
    const ws = socket;
    if (ws === undefined) {
      clearTimeout(reconnectTimer);
      reconnectTimer = setTimeout(connect, 0);
    } else if (ws.readyState === WebSocket.OPEN) {
      reconnectNow = true;
      ws.close(1000, 'updated');
    }
  }

  const jobs = deviceJobs({
    update: {
      updatesDir:
        options.updatesDir ??
        (options.stateFile === undefined ? path.join(os.tmpdir(), `tether-agent-${mac}`, 'updates') : path.join(path.dirname(options.stateFile), 'updates')),
      ...(options.onUpdate === undefined ? {} : { onUpdate: options.onUpdate }),
    },
    backup: {
      ...(options.onBackup === undefined ? {} : { onBackup: options.onBackup }),
      ...(options.onRestore === undefined ? {} : { onRestore: options.onRestore }),
      ...(options.configFile === undefined ? {} : { configFile: options.configFile }),
    },
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    log,
    send: (message) => {
      events.emit('job-result', message);
      const ws = socket;
      if (ws?.readyState !== WebSocket.OPEN) return false;
      ws.send(encodeMessage(message));
      return true;
    },
    installed: (target) => facts.recordInstalled(target),
    restart: reconnectAtOnce,
  });

  const tenantPassword = tenantPasswordHook(options.onPassword, log, send, events);
  const dispatch: HubDispatch = {
    options,
    facts,
    jobs,
    tenantPassword,
    events,
    log,
    send,
    welcomed: (ws) => {
      welcomed.add(ws);
      attempt = 0;
      hubRestarting = false;
    },
    hubRestarting: () => {
      hubRestarting = true;
    },
  };

  function streamsFor(ws: WebSocket, hub: string): DeviceStreams {
    return deviceStreams({
      allow,
      hub,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      log,
      send: (message) => send(ws, message),
      listener: {
        opened: (streamId, protocol) => events.emit('stream-opened', streamId, protocol),
        refused: (streamId, reason) => events.emit('stream-refused', streamId, reason),
        closed: (streamId) => events.emit('stream-closed', streamId),
      },
    });
  }

  function connect(): void {
    if (stopped) return;
    const hub = hubs.current();
    const url = gatewayUrl(hub);
    log(`connecting to ${url}`);
    events.emit('connecting', url);
    const ws = new WebSocket(url, {
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      handshakeTimeout: 10_000,
      maxPayload: maxControlFrameBytes,
      perMessageDeflate: false,
    });
    socket = ws;
    const wsStreams = streamsFor(ws, hub);
    const wsReverse = reverseListeners({ hub, ...(options.ca === undefined ? {} : { ca: options.ca }), log, send: (message) => send(ws, message) });
    const current: HubConnection = { ws, streams: wsStreams, reverse: wsReverse };
    connection = current;
    let alive = true;
    const heartbeat = setInterval(() => {
      // No answer since the last ping: the path to the hub is gone even if TCP has not noticed.
      if (!alive) ws.terminate();
      alive = false;
      if (ws.readyState === WebSocket.OPEN) ws.ping();
    }, heartbeatMs);
    heartbeat.unref();

    ws.on('open', () => {
      log(`connected; saying hello as ${mac}${facts.password === undefined ? '' : ' with the device password'}${facts.code === undefined ? '' : ' with a provisioning code'}`);
      ws.send(encodeMessage(facts.hello()));
    });
    ws.on('pong', () => {
      alive = true;
    });
    ws.on('message', (data, isBinary) => {
      alive = true;
      // Datagrams travel on their streams' dial-backs: the hub sends text frames only.
      if (isBinary) log('ignored a binary frame from the hub');
      else dispatchHubMessage(dispatch, current, bytesOf(data).toString('utf8'));
    });
    ws.on('error', (error) => {
      log(`connection error: ${error.message}`);
    });
    ws.on('close', (closeCode, reason) => {
      clearInterval(heartbeat);
      void wsStreams.closeAll('the gateway connection is gone');
      void wsReverse.closeAll('the gateway connection is gone');
      if (socket === ws) socket = undefined;
      if (stopped) return;
      if (!welcomed.has(ws)) hubs.failed();
      const retryInMs = reconnectNow ? 0 : backoffDelay(attempt, hubRestarting ? { ...backoff, maxMs: Math.min(backoff.maxMs, restartBackoffMaxMs) } : backoff);
      if (reconnectNow) reconnectNow = false;
      else attempt += 1;
      log(`offline (close code ${closeCode}${reason.length > 0 ? `, ${reason.toString()}` : ''}); reconnecting in ${retryInMs} ms`);
      events.emit('offline', { code: closeCode, reason: reason.toString(), retryInMs });
      reconnectTimer = setTimeout(connect, retryInMs);
    });
  }

  async function stop(): Promise<void> {
    if (stopped) return;
    stopped = true;
    clearTimeout(reconnectTimer);
    const ws = socket;
    const streamsClosed = connection?.streams.closeAll('the agent is stopping');
    const reverseClosed = ws === undefined ? undefined : connection?.reverse.closeAll('the agent is stopping');
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      const force = setTimeout(() => ws.terminate(), 2000);
      ws.close(1000, 'agent stopping');
      await closed;
      clearTimeout(force);
    }
    await streamsClosed;
    await reverseClosed;
    await tenantPassword.idle();
    await jobs.idle();
    log('stopped');
    events.emit('stopped');
  }

  connect();
  return { events, stop };
}
