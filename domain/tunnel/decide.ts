import type { SnapshotFrom } from 'xstate';
import type { DecisionContext } from '../aggregate.js';
import { TetherError } from '../errors.js';
import { canonicalHost, isIPLiteral } from './address.js';
import { admissionOf } from './admission.js';
import type { RelayReport, TunnelCommand } from './commands.js';
import type { TunnelEvent, TunnelRelayReported } from './events.js';
import { ByteCount, Port } from './link-fields.js';
import { isTunnelId } from './link-token.js';
import { isLiveStream, trafficFloor } from './machine.js';
import type { tunnelMachine } from './machine.js';
import { decideOpenTunnel } from './open-tunnel.js';

export type TunnelState = SnapshotFrom<typeof tunnelMachine>;

export const isOpen = (state: TunnelState): boolean => state.matches('open');

/** Stream ids are UUIDs, as tunnel ids are (they name a dial-back's path). */
export const isStreamId = isTunnelId;

function mustBeOpen(state: TunnelState): void {
  if (state.matches('absent')) throw new TetherError('not_found', 'no such device link');
  if (state.matches('closed')) {
    throw new TetherError('transition_forbidden', `device link ${state.context.tunnelId} is closed (${state.context.cause ?? 'closed'})`);
  }
}

interface Totals {
  readonly bytesToDevice: number;
  readonly bytesFromDevice: number;
}

function mustBeCounts(totals: Totals): void {
  const bad = (['bytesToDevice', 'bytesFromDevice'] as const).filter((field) => !ByteCount.is(totals[field]));
  if (bad.length > 0) throw new TetherError('validation_failed', `${bad.join(' and ')} must be whole numbers of bytes, 0 or more`, bad);
}

function mustNotDecrease(state: TunnelState, totals: Totals): void {
  const floor = trafficFloor(state.context);
  const bad = (['bytesToDevice', 'bytesFromDevice'] as const).filter((field) => totals[field] < floor[field]);
  if (bad.length > 0) {
    const was = bad.map((field) => `${field} ${totals[field]} < ${floor[field]}`).join(', ');
    throw new TetherError('validation_failed', `traffic totals never decrease (${was})`, bad);
  }
}

type AttachClient = Extract<TunnelCommand, { type: 'AttachClient' }>;

/** The device's address as recorded: canonical, and never empty. */
function agentIPOf(agentIP: string | undefined): { readonly agentIP?: string } {
  if (agentIP === '') throw new TetherError('validation_failed', 'agentIP may not be empty', ['agentIP']);
  return agentIP === undefined ? {} : { agentIP: canonicalHost(agentIP) };
}

/** The host lets the client through only when the result holds TunnelClientAttached. */
function decideAttach(state: TunnelState, command: AttachClient, now: Date): readonly TunnelEvent[] {
  const { context } = state;
  // Whether or not its timer has fired yet, a link past its lifetime takes no one.
  if (context.expiresAt !== undefined && now.getTime() >= Date.parse(context.expiresAt)) {
    throw new TetherError('transition_forbidden', `device link ${context.tunnelId} reached the end of its lifetime`);
  }
  const { streamId, clientPort } = command;
  if (!isStreamId(streamId)) throw new TetherError('validation_failed', 'streamId must be a UUID in lower case', ['streamId']);
  if (!isIPLiteral(command.clientHost) || !Port.is(clientPort)) {
    throw new TetherError('validation_failed', 'a client is an IP address and a port from 1 to 65535', ['clientHost', 'clientPort']);
  }
  const clientHost = canonicalHost(command.clientHost);
  const admission = admissionOf(context, { host: clientHost, port: clientPort });
  if (admission.verdict === 'refuse') {
    return admission.recorded ? [{ type: 'TunnelClientRefused', data: { clientHost, clientPort, reason: 'not-the-pinned-client' } }] : [];
  }
  if (isLiveStream(context, streamId)) throw new TetherError('already_exists', `stream ${streamId} is already attached`);
  if (context.protocol === 'udp' && Object.keys(context.liveStreams).length > 0) {
    throw new TetherError('transition_forbidden', 'a UDP link carries one stream, and it is live');
  }
  return [{ type: 'TunnelClientAttached', data: { streamId, clientHost, clientPort, pinned: admission.pins, ...agentIPOf(command.agentIP) } }];
}

/** An ISO instant not in the future (and not before `notBefore`), as the seed's session times are. */
function mustBeSessionTime(text: string, field: string, now: Date, notBefore?: string): string {
  const time = Date.parse(text);
  const earliest = notBefore === undefined ? Number.NEGATIVE_INFINITY : Date.parse(notBefore);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(time) || time > now.getTime() || time < earliest) {
    throw new TetherError('validation_failed', `${field} must be an ISO time, not in the future${notBefore === undefined ? '' : ' and not before createdTime'}`, [field]);
  }
  return new Date(time).toISOString();
}

function decideRelayReport(state: TunnelState, command: RelayReport, now: Date): readonly TunnelRelayReported[] {
  const { context } = state;
  const address = (value: string | undefined, field: 'agentIP' | 'userIP'): string | undefined => {
    if (value === undefined) return undefined;
    if (!isIPLiteral(value)) throw new TetherError('validation_failed', `${field} must be an IP address`, [field]);
    return canonicalHost(value);
  };
  const reported = {
    agentIP: address(command.agentIP, 'agentIP'),
    userIP: address(command.userIP, 'userIP'),
    createdTime: command.createdTime === undefined ? undefined : mustBeSessionTime(command.createdTime, 'createdTime', now),
  };
  const changed = Object.fromEntries(Object.entries(reported).filter(([field, value]) => value !== undefined && value !== context[field as keyof typeof reported]));
  return Object.keys(changed).length === 0 ? [] : [{ type: 'TunnelRelayReported', data: changed }];
}

export function decideTunnel(state: TunnelState, command: TunnelCommand, decision: DecisionContext): readonly TunnelEvent[] {
  const { context } = state;
  if (command.type === 'OpenTunnel') {
    if (!state.matches('absent')) throw new TetherError('already_exists', `device link ${command.tunnelId} already exists`);
    return [decideOpenTunnel(command, decision)];
  }
  mustBeOpen(state);
  switch (command.type) {
    case 'AttachClient':
      return decideAttach(state, command, decision.now);
    case 'OpenStream': {
      const stream = context.liveStreams[command.streamId];
      if (stream === undefined) throw new TetherError('transition_forbidden', `stream ${command.streamId} is not live on this link`);
      const agentIP = agentIPOf(command.agentIP);
      // Opening twice changes nothing, so the host may retry.
      if (stream.opened) return [];
      return [{ type: 'TunnelStreamOpened', data: { streamId: command.streamId, ...agentIP } }];
    }
    case 'CloseStream': {
      mustBeCounts(command);
      // Both ends may report the same end: the second finds nothing left to close.
      if (!isLiveStream(context, command.streamId)) return [];
      const { streamId, cause, bytesToDevice, bytesFromDevice, reachedDevice } = command;
      const reached = reachedDevice === undefined ? {} : { reachedDevice };
      return [{ type: 'TunnelStreamClosed', data: { streamId, cause, bytesToDevice, bytesFromDevice, ...reached } }];
    }
    case 'RecordTraffic': {
      mustBeCounts(command);
      mustNotDecrease(state, command);
      const { bytesToDevice, bytesFromDevice } = command;
      if (bytesToDevice === context.bytesToDevice && bytesFromDevice === context.bytesFromDevice) return [];
      return [{ type: 'TunnelTrafficRecorded', data: { bytesToDevice, bytesFromDevice } }];
    }
    case 'RecordRelayReport':
      return decideRelayReport(state, command, decision.now);
    case 'CloseTunnel': {
      mustBeCounts(command);
      mustNotDecrease(state, command);
      const { cause, bytesToDevice, bytesFromDevice } = command;
      const reported = command.reported === undefined ? [] : decideRelayReport(state, command.reported, decision.now);
      const createdTime = reported[0]?.data.createdTime ?? context.createdTime;
      const endTime = command.endTime === undefined ? decision.now.toISOString() : mustBeSessionTime(command.endTime, 'endTime', decision.now, createdTime);
      return [
        ...reported,
        { type: 'TunnelClosed', data: { cause, endTime, bytesToDevice, bytesFromDevice, bytesTransferred: bytesToDevice + bytesFromDevice } },
      ];
    }
  }
}
