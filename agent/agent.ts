// The device-side agent: dials out to the hub's gateway, says hello, keeps the device
// password it is given, hands the tenant password to a hook, opens the streams the hub asks
// for to the targets it allows, and always comes back.
import { EventEmitter } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { isLeft } from 'fp-ts/lib/Either.js';
import WebSocket from 'ws';
import { parseMac } from '../domain/device/mac.js';
import type { Hello } from '../domain/gateway/agent-messages.js';
import { decodeMessage, encodeMessage, maxControlFrameBytes } from '../domain/gateway/frame.js';
import { HubMessage } from '../domain/gateway/hub-messages.js';
import type { AgentJobMessage, UpdateTarget } from '../domain/gateway/job-messages.js';
import type { ClosingCause, ErrorMessage, ProvisioningRefusedMessage, Welcome } from '../domain/gateway/hub-messages.js';
import type { StreamRefusalReason } from '../domain/gateway/stream-messages.js';
import type { LinkProtocol } from '../domain/tunnel/link-fields.js';
import { backoffDelay, defaultBackoff, restartBackoffMaxMs } from './backoff.js';
import type { BackoffOptions } from './backoff.js';
import { defaultAllowList, formatAllowRule } from './allow-list.js';
import type { AllowRule } from './allow-list.js';
import { deviceJobs } from './device-jobs.js';
import { deviceStreams } from './device-streams.js';
import type { DeviceStreams } from './device-streams.js';
import { reverseListeners } from './reverse-listeners.js';
import type { ReverseListeners } from './reverse-listeners.js';
import { gatewayUrl } from './gateway-url.js';
import { HubAddresses } from './hub-addresses.js';
import { refusalOf } from './job-refusal.js';
import { runPasswordHook } from './password-hook.js';
import type { HookResult } from './password-hook.js';
import { readState, writeState } from './state-file.js';
import type { AgentState } from './state-file.js';
import { agentVersion } from './version.js';

export interface AgentOptions {
  /**
   * http(s):// or ws(s):// URL of the hub, or several tried in turn; the agent connects to
   * `<hub>/gateway`. Addresses the hub tells it (kept in the state file) are tried first.
   */
  readonly hub: string | readonly string[];
  /** In any accepted form. */
  readonly mac: string;
  /** A provisioning code, redeemed at hello until the hub accepts or refuses it. */
  readonly code?: string;
  /** Where the device password is kept (JSON, mode 0600); without it, only in memory. */
  readonly stateFile?: string;
  readonly model?: string;
  readonly firmware?: string;
  readonly categories?: readonly string[];
  readonly apps?: readonly { readonly name: string; readonly version: string }[];
  /** Software packages (software.json ids) installed, reported as apps are. */
  readonly software?: readonly { readonly name: string; readonly version: string }[];
  /** Shell command given the tenant password on stdin. */
  readonly onPassword?: string;
  /** PEM of a private CA the hub's certificate must chain to. */
  readonly ca?: string | Buffer;
  /** One line per action; never given a password. */
  readonly logger?: (line: string) => void;
  readonly backoff?: Partial<BackoffOptions>;
  /** How often the agent checks that the hub still answers. */
  readonly heartbeatMs?: number;
  /** The targets the hub may open streams to; default 127.0.0.1, any port. */
  readonly allow?: readonly AllowRule[];
  /** Shell command given a downloaded update (appended as an argument, and as $TETHER_UPDATE_FILE); without it the file is kept. */
  readonly onUpdate?: string;
  /** Shell command whose stdout is the configuration a backup stores. */
  readonly onBackup?: string;
  /** Shell command given a restored configuration on stdin. */
  readonly onRestore?: string;
  /** The configuration file a backup stores (without onBackup) and a restore replaces (without onRestore). */
  readonly configFile?: string;
  /** Where updates are downloaded; default `updates/` beside the state file (or in the temp directory). */
  readonly updatesDir?: string;
  /** Serve as a target endpoint of dtt-reverse protocol applications (`tether agent --service-endpoint`); --allow still bounds the targets. */
  readonly serviceEndpoint?: boolean;
}

export interface AgentEvents {
  connecting: [url: string];
  online: [welcome: Welcome];
  offline: [closed: { readonly code: number; readonly reason: string; readonly retryInMs: number }];
  /** A device password was received and saved. */
  password: [];
  'tenant-password': [result: HookResult | undefined];
  'provisioning-refused': [reason: ProvisioningRefusalReason];
  'hub-error': [message: ErrorMessage];
  /** The hub said where to dial it from now on (and it differs from what it said before). */
  'hub-address': [urls: readonly string[]];
  closing: [cause: ClosingCause];
  /** A TCP stream is spliced to its dial-back, or a UDP stream's socket is ready. */
  'stream-opened': [streamId: string, protocol: LinkProtocol];
  'stream-refused': [streamId: string, reason: StreamRefusalReason];
  /** Once per stream that got past the allow list, whether or not it opened. */
  'stream-closed': [streamId: string];
  /** An update, backup or restore ended; the result was sent when a connection was open. */
  'job-result': [result: AgentJobMessage];
  stopped: [];
}

export interface AgentHandle {
  readonly events: EventEmitter<AgentEvents>;
  stop(): Promise<void>;
}

type ProvisioningRefusalReason = ProvisioningRefusedMessage['reason'];

const refusalHelp: Readonly<Record<ProvisioningRefusalReason, string>> = {
  expired: 'the code has expired (codes are valid for one hour): ask for a new one',
  revoked: 'the code was revoked: ask for a new one',
  'used-up': 'the code has been used by as many devices as it allows, or already by this one',
  unknown: 'the hub does not know this code: check it for typos',
};

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

  const saved = options.stateFile === undefined ? {} : readState(options.stateFile);
  const hubs = new HubAddresses(typeof options.hub === 'string' ? [options.hub] : options.hub, saved.hubs);
  let password = saved.password;
  // Versions an update installed; they override --firmware, --app and --software in every hello.
  let firmware = saved.firmware;
  let appVersions: Readonly<Record<string, string>> = saved.apps ?? {};
  let softwareVersions: Readonly<Record<string, string>> = saved.software ?? {};
  let reconnectNow = false;
  // A code is spent once the hub gave a password for it or refused it; reconnects go without it.
  let code = options.code;
  let attempt = 0;
  let hubRestarting = false;
  let stopped = false;
  let socket: WebSocket | undefined;
  let streams: DeviceStreams | undefined;
  // The dtt-reverse listeners opened through each gateway connection; they end with it.
  const reverses = new WeakMap<WebSocket, ReverseListeners>();
  // Connections the hub answered: one that closes before that moves on to the next address.
  const welcomed = new WeakSet<WebSocket>();
  let reconnectTimer: NodeJS.Timeout | undefined;
  let hooks: Promise<unknown> = Promise.resolve();

  log(`streams allowed to ${allow.map(formatAllowRule).join(', ')}`);
  if (options.serviceEndpoint === true) log('serving as a service endpoint: dtt-reverse applications may reach the allowed targets through this agent');
  if (options.stateFile === undefined) log('no state file: a device password will be kept in memory only');
  else log(password === undefined ? `no device password in ${options.stateFile} yet` : `device password loaded from ${options.stateFile}`);

  const send = (ws: WebSocket, message: Parameters<typeof encodeMessage>[0]): void => {
    if (ws.readyState === WebSocket.OPEN) ws.send(encodeMessage(message));
  };

  function hello(): Hello {
    const software = installed(options.software, softwareVersions);
    return {
      type: 'hello',
      mac,
      model: options.model ?? 'unknown',
      firmware: firmware ?? options.firmware ?? 'unknown',
      apps: installed(options.apps, appVersions),
      categories: [...(options.categories ?? [])],
      agentVersion,
      ...(software.length === 0 ? {} : { software }),
      ...(password === undefined ? {} : { password }),
      ...(code === undefined ? {} : { code }),
    };
  }

  /** The packages given on the command line at the versions updates installed, then those only updates installed. */
  function installed(listed: AgentOptions['apps'], versions: Readonly<Record<string, string>>): Hello['apps'] {
    const given = (listed ?? []).map(({ name, version }) => ({ name, version: versions[name] ?? version }));
    const added = Object.entries(versions)
      .filter(([name]) => !given.some((entry) => entry.name === name))
      .map(([name, version]) => ({ name, version }));
    return [...given, ...added];
  }

  function savedState(): AgentState {
    return {
      ...(password === undefined ? {} : { password }),
      ...(firmware === undefined ? {} : { firmware }),
      ...(Object.keys(appVersions).length === 0 ? {} : { apps: appVersions }),
      ...(Object.keys(softwareVersions).length === 0 ? {} : { software: softwareVersions }),
      ...(hubs.saved() === undefined ? {} : { hubs: hubs.saved() }),
    };
  }

  function recordInstalled(target: UpdateTarget): void {
    if (target.kind === 'firmware') firmware = target.version;
    else if (target.kind === 'app') appVersions = { ...appVersions, [target.name]: target.version };
    else softwareVersions = { ...softwareVersions, [target.name]: target.version };
    if (options.stateFile !== undefined) writeState(options.stateFile, savedState());
  }

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
    installed: recordInstalled,
    restart: reconnectAtOnce,
  });

  function savePassword(received: string): void {
    password = received;
    code = undefined;
    if (options.stateFile === undefined) {
      log('device password received (kept in memory only)');
    } else {
      writeState(options.stateFile, savedState());
      log(`device password received and saved to ${options.stateFile}`);
    }
    events.emit('password');
  }

  function deployTenantPassword(ws: WebSocket, tenantPassword: string): void {
    const hook = options.onPassword;
    if (hook === undefined) {
      log('tenant password received; no --on-password hook, nothing to do');
      events.emit('tenant-password', undefined);
      return;
    }
    hooks = hooks.then(async () => {
      log('tenant password received; running the --on-password hook');
      try {
        const result = await runPasswordHook(hook, tenantPassword);
        const outcome = result.signal === null ? `exit code ${String(result.exitCode)}` : `signal ${result.signal}`;
        log(`password hook finished with ${outcome}`);
        if (result.exitCode !== 0) send(ws, { type: 'error-report', message: `password hook finished with ${outcome}` });
        events.emit('tenant-password', result);
      } catch (error) {
        log(`password hook could not run: ${(error as Error).message}`);
        send(ws, { type: 'error-report', message: `password hook could not run: ${(error as Error).message}` });
      }
    });
  }

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

  function handle(ws: WebSocket, streams: DeviceStreams, text: string): void {
    const decoded = decodeMessage(HubMessage, text);
    if (isLeft(decoded)) {
      log(`ignored a message from the hub: ${decoded.left.message}`);
      const refusal = refusalOf(text, decoded.left);
      if (refusal !== undefined) send(ws, refusal);
      return;
    }
    const message = decoded.right;
    switch (message.type) {
      case 'welcome':
        welcomed.add(ws);
        attempt = 0;
        hubRestarting = false;
        log(message.state === 'assigned' ? `online, assigned to tenant ${message.tenant ?? '?'}` : 'online, unassigned');
        events.emit('online', message);
        if (options.serviceEndpoint === true) send(ws, { type: 'service-endpoint' });
        return;
      case 'device-password':
        savePassword(message.password);
        return;
      case 'hub-address':
        if (!hubs.tell(message.urls)) return;
        if (options.stateFile !== undefined) writeState(options.stateFile, savedState());
        log(`the hub is to be dialed at ${message.urls.join(', ')} from now on${options.stateFile === undefined ? ' (kept in memory only)' : ''}`);
        events.emit('hub-address', message.urls);
        return;
      case 'tenant-password':
        deployTenantPassword(ws, message.password);
        return;
      case 'provisioning-refused':
        code = undefined;
        log(`provisioning code refused (${message.reason}): ${refusalHelp[message.reason]}`);
        events.emit('provisioning-refused', message.reason);
        return;
      case 'error':
        log(`the hub reports an error: ${message.code}: ${message.message}`);
        events.emit('hub-error', message);
        return;
      case 'closing':
        // A hub that restarts is back in seconds: no wait grows past restartBackoffMaxMs until it answers again.
        if (message.cause === 'hub-shutdown') hubRestarting = true;
        log(`the hub is closing the connection (${message.cause})`);
        events.emit('closing', message.cause);
        return;
      case 'open-stream':
        streams.open(message);
        return;
      case 'close-stream':
        streams.close(message);
        reverses.get(ws)?.close(message);
        return;
      case 'reverse-listen':
        reverses.get(ws)?.listen(message);
        return;
      case 'reverse-unlisten':
        reverses.get(ws)?.unlisten(message);
        return;
      case 'reverse-accept':
        reverses.get(ws)?.accept(message);
        return;
      case 'pong':
        return;
      case 'update':
      case 'backup':
      case 'restore':
        jobs.handle(message);
        return;
    }
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
    streams = wsStreams;
    const wsReverse = reverseListeners({ hub, ...(options.ca === undefined ? {} : { ca: options.ca }), log, send: (message) => send(ws, message) });
    reverses.set(ws, wsReverse);
    let alive = true;
    const heartbeat = setInterval(() => {
      // No answer since the last ping: the path to the hub is gone even if TCP has not noticed.
      if (!alive) ws.terminate();
      alive = false;
      if (ws.readyState === WebSocket.OPEN) ws.ping();
    }, heartbeatMs);
    heartbeat.unref();

    ws.on('open', () => {
      log(`connected; saying hello as ${mac}${password === undefined ? '' : ' with the device password'}${code === undefined ? '' : ' with a provisioning code'}`);
      ws.send(encodeMessage(hello()));
    });
    ws.on('pong', () => {
      alive = true;
    });
    ws.on('message', (data, isBinary) => {
      alive = true;
      // Datagrams travel on their streams' dial-backs: the hub sends text frames only.
      if (isBinary) log('ignored a binary frame from the hub');
      else handle(ws, wsStreams, bytesOf(data).toString('utf8'));
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
    const streamsClosed = streams?.closeAll('the agent is stopping');
    const reverseClosed = ws === undefined ? undefined : reverses.get(ws)?.closeAll('the agent is stopping');
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      const force = setTimeout(() => ws.terminate(), 2000);
      ws.close(1000, 'agent stopping');
      await closed;
      clearTimeout(force);
    }
    await streamsClosed;
    await reverseClosed;
    await hooks;
    await jobs.idle();
    log('stopped');
    events.emit('stopped');
  }

  connect();
  return { events, stop };
}
