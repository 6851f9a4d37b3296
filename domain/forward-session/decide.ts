import type { SnapshotFrom } from 'xstate';
import type { DecisionContext } from '../aggregate.js';
import { isMac } from '../device/mac.js';
import { TetherError } from '../errors.js';
import { canonicalHost, isHost, isIPLiteral } from '../tunnel/address.js';
import { ByteCount, Port } from '../tunnel/link-fields.js';
import { isTunnelId } from '../tunnel/link-token.js';
import type { ForwardClient, ForwardCommand, ForwardTraffic } from './commands.js';
import type { ForwardEvent, ForwardOpened } from './events.js';
import { ForwardKind, ForwardMode } from './events.js';
import { forwardFloor, isLiveForwardStream } from './machine.js';
import type { forwardMachine } from './machine.js';

export type ForwardState = SnapshotFrom<typeof forwardMachine>;

export const isForwardOpen = (state: ForwardState): boolean => state.matches('open');

/** Session and stream ids are UUIDs in lower case, as DeviceLink's. */
export const isForwardId = isTunnelId;

type OpenForward = Extract<ForwardCommand, { type: 'OpenForward' }>;

function fail(problems: ReadonlyMap<string, string>): never {
  const paths = [...problems.keys()].sort();
  throw new TetherError('validation_failed', paths.map((path) => problems.get(path)).join('; '), paths);
}

function checkClient(client: ForwardClient, problems: Map<string, string>, prefix: string): void {
  if (!isForwardId(client.streamId)) problems.set(`${prefix}streamId`, 'streamId must be a UUID in lower case');
  if (!isIPLiteral(client.clientHost) || !Port.is(client.clientPort)) {
    problems.set(`${prefix}clientHost`, 'a client is an IP address and a port from 1 to 65535');
  }
}

function decideOpen(command: OpenForward, { now, principal }: DecisionContext): ForwardEvent[] {
  const problems = new Map<string, string>();
  const check = (ok: boolean, path: string, message: string): void => {
    if (!ok && !problems.has(path)) problems.set(path, message);
  };
  check(isForwardId(command.sessionId), 'sessionId', 'sessionId must be a UUID in lower case');
  check(ForwardKind.is(command.kind), 'kind', 'kind must be "proxy" or "protocol-app"');
  check(ForwardMode.is(command.mode), 'mode', 'mode must be a proxy protocol or a protocol application type');
  check(command.sourceId !== '', 'sourceId', 'sourceId names the proxy or the application');
  check(isHost(command.target.host) && Port.is(command.target.port), 'target', 'target is a host and a port from 1 to 65535');
  check(command.relay !== '', 'relay', 'relay must be "hub" or the name of a relay');
  check(command.device === undefined || isMac(command.device), 'device', 'device must be a MAC in canonical form');
  check(command.tenantId === undefined || command.tenantId !== '', 'tenantId', 'tenantId may not be empty');
  check(command.port === undefined || Port.is(command.port), 'port', 'port must be a whole number from 1 to 65535');
  check(command.devicePort === undefined || Port.is(command.devicePort), 'devicePort', 'devicePort must be a whole number from 1 to 65535');
  check(command.userIP === undefined || command.userIP !== '', 'userIP', 'userIP may not be empty');
  if (command.firstClient !== undefined) checkClient(command.firstClient, problems, 'firstClient.');
  if (problems.size > 0) fail(problems);
  const { type: _type, firstClient, ...fields } = command;
  const opened: ForwardOpened = {
    type: 'ForwardOpened',
    data: { ...fields, requestedBy: { id: principal.id, role: principal.role }, createdTime: now.toISOString() },
  };
  if (firstClient === undefined) return [opened];
  const { streamId, clientPort } = firstClient;
  return [opened, { type: 'ForwardStreamAttached', data: { streamId, clientHost: canonicalHost(firstClient.clientHost), clientPort } }];
}

function mustBeCounts(totals: ForwardTraffic): void {
  const bad = (['bytesToTarget', 'bytesFromTarget'] as const).filter((field) => !ByteCount.is(totals[field]));
  if (bad.length > 0) throw new TetherError('validation_failed', `${bad.join(' and ')} must be whole numbers of bytes, 0 or more`, bad);
}

function mustNotDecrease(state: ForwardState, totals: ForwardTraffic): void {
  const floor = forwardFloor(state.context);
  const bad = (['bytesToTarget', 'bytesFromTarget'] as const).filter((field) => totals[field] < floor[field]);
  if (bad.length > 0) {
    const was = bad.map((field) => `${field} ${totals[field]} < ${floor[field]}`).join(', ');
    throw new TetherError('validation_failed', `traffic totals never decrease (${was})`, bad);
  }
}

export function decideForward(state: ForwardState, command: ForwardCommand, decision: DecisionContext): readonly ForwardEvent[] {
  const { context } = state;
  if (command.type === 'OpenForward') {
    if (!state.matches('absent')) throw new TetherError('already_exists', `session ${command.sessionId} already exists`);
    return decideOpen(command, decision);
  }
  if (state.matches('absent')) throw new TetherError('not_found', 'no such session');
  if (state.matches('closed')) throw new TetherError('transition_forbidden', `session ${context.sessionId} is closed (${context.cause ?? 'closed'})`);
  switch (command.type) {
    case 'AttachForwardStream': {
      const problems = new Map<string, string>();
      checkClient(command, problems, '');
      if (problems.size > 0) fail(problems);
      if (isLiveForwardStream(context, command.streamId)) throw new TetherError('already_exists', `stream ${command.streamId} is already attached`);
      const { streamId, clientPort } = command;
      return [{ type: 'ForwardStreamAttached', data: { streamId, clientHost: canonicalHost(command.clientHost), clientPort } }];
    }
    case 'OpenForwardStream': {
      const stream = context.liveStreams[command.streamId];
      if (stream === undefined) throw new TetherError('transition_forbidden', `stream ${command.streamId} is not live in this session`);
      if (command.agentIP === '') throw new TetherError('validation_failed', 'agentIP may not be empty', ['agentIP']);
      if (stream.opened) return [];
      const agentIP = command.agentIP === undefined ? {} : { agentIP: canonicalHost(command.agentIP) };
      return [{ type: 'ForwardStreamOpened', data: { streamId: command.streamId, ...agentIP } }];
    }
    case 'CloseForwardStream': {
      mustBeCounts(command);
      if (!isLiveForwardStream(context, command.streamId)) return [];
      const { streamId, cause, bytesToTarget, bytesFromTarget } = command;
      return [{ type: 'ForwardStreamClosed', data: { streamId, cause, bytesToTarget, bytesFromTarget } }];
    }
    case 'RecordForwardTraffic': {
      mustBeCounts(command);
      mustNotDecrease(state, command);
      const { bytesToTarget, bytesFromTarget } = command;
      if (bytesToTarget === context.bytesToTarget && bytesFromTarget === context.bytesFromTarget) return [];
      return [{ type: 'ForwardTrafficRecorded', data: { bytesToTarget, bytesFromTarget } }];
    }
    case 'CloseForward': {
      mustBeCounts(command);
      mustNotDecrease(state, command);
      const { cause, bytesToTarget, bytesFromTarget } = command;
      return [
        {
          type: 'ForwardClosed',
          data: { cause, endTime: decision.now.toISOString(), bytesToTarget, bytesFromTarget, bytesTransferred: bytesToTarget + bytesFromTarget },
        },
      ];
    }
  }
}
