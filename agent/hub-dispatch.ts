// What the agent does with each message the hub sends on its gateway connection.
import type { EventEmitter } from 'node:events';
import { isLeft } from 'fp-ts/lib/Either.js';
import type WebSocket from 'ws';
import { decodeMessage } from '../domain/gateway/frame.js';
import type { encodeMessage } from '../domain/gateway/frame.js';
import { HubMessage } from '../domain/gateway/hub-messages.js';
import type { AgentEvents, AgentOptions, ProvisioningRefusalReason } from './agent-options.js';
import type { DeviceFacts } from './device-facts.js';
import type { DeviceJobs } from './device-jobs.js';
import type { DeviceStreams } from './device-streams.js';
import { refusalOf } from './job-refusal.js';
import type { ReverseListeners } from './reverse-listeners.js';
import type { TenantPasswordHook } from './tenant-password-hook.js';

const refusalHelp: Readonly<Record<ProvisioningRefusalReason, string>> = {
  expired: 'the code has expired (codes are valid for one hour): ask for a new one',
  revoked: 'the code was revoked: ask for a new one',
  'used-up': 'the code has been used by as many devices as it allows, or already by this one',
  unknown: 'the hub does not know this code: check it for typos',
};

/** One gateway connection as the messages on it see it. */
export interface HubConnection {
  readonly ws: WebSocket;
  readonly streams: DeviceStreams;
  readonly reverse: ReverseListeners;
}

export interface HubDispatch {
  readonly options: AgentOptions;
  readonly facts: DeviceFacts;
  readonly jobs: DeviceJobs;
  readonly tenantPassword: TenantPasswordHook;
  readonly events: EventEmitter<AgentEvents>;
  log(line: string): void;
  send(ws: WebSocket, message: Parameters<typeof encodeMessage>[0]): void;
  /** The hub answered this connection. */
  welcomed(ws: WebSocket): void;
  /** The hub is restarting: it is back in seconds. */
  hubRestarting(): void;
}

export function dispatchHubMessage(agent: HubDispatch, connection: HubConnection, text: string): void {
  const { options, facts, events, log } = agent;
  const { ws, streams, reverse } = connection;
  const decoded = decodeMessage(HubMessage, text);
  if (isLeft(decoded)) {
    log(`ignored a message from the hub: ${decoded.left.message}`);
    const refusal = refusalOf(text, decoded.left);
    if (refusal !== undefined) agent.send(ws, refusal);
    return;
  }
  const message = decoded.right;
  switch (message.type) {
    case 'welcome':
      agent.welcomed(ws);
      log(message.state === 'assigned' ? `online, assigned to tenant ${message.tenant ?? '?'}` : 'online, unassigned');
      events.emit('online', message);
      if (options.serviceEndpoint === true) agent.send(ws, { type: 'service-endpoint' });
      return;
    case 'device-password':
      facts.receivePassword(message.password);
      log(options.stateFile === undefined ? 'device password received (kept in memory only)' : `device password received and saved to ${options.stateFile}`);
      events.emit('password');
      return;
    case 'hub-address':
      if (!facts.hubs.tell(message.urls)) return;
      facts.save();
      log(`the hub is to be dialed at ${message.urls.join(', ')} from now on${options.stateFile === undefined ? ' (kept in memory only)' : ''}`);
      events.emit('hub-address', message.urls);
      return;
    case 'tenant-password':
      agent.tenantPassword.deploy(ws, message.password);
      return;
    case 'provisioning-refused':
      facts.code = undefined;
      log(`provisioning code refused (${message.reason}): ${refusalHelp[message.reason]}`);
      events.emit('provisioning-refused', message.reason);
      return;
    case 'error':
      log(`the hub reports an error: ${message.code}: ${message.message}`);
      events.emit('hub-error', message);
      return;
    case 'closing':
      // A hub that restarts is back in seconds: no wait grows past restartBackoffMaxMs until it answers again.
      if (message.cause === 'hub-shutdown') agent.hubRestarting();
      log(`the hub is closing the connection (${message.cause})`);
      events.emit('closing', message.cause);
      return;
    case 'open-stream':
      streams.open(message);
      return;
    case 'close-stream':
      streams.close(message);
      reverse.close(message);
      return;
    case 'reverse-listen':
      reverse.listen(message);
      return;
    case 'reverse-unlisten':
      reverse.unlisten(message);
      return;
    case 'reverse-accept':
      reverse.accept(message);
      return;
    case 'pong':
      return;
    case 'update':
    case 'backup':
    case 'restore':
      agent.jobs.handle(message);
      return;
  }
}
