import type { SnapshotFrom } from 'xstate';
import type { DecisionContext, Deadline } from '../aggregate.js';
import { TetherError } from '../errors.js';
import { isHost } from '../tunnel/address.js';
import { Port } from '../tunnel/link-fields.js';
import type { RelayCommand } from './commands.js';
import type { RelayEvent } from './events.js';
import type { RelayFailureReason } from './failure-reason.js';
import type { relayMachine } from './machine.js';
import { isRelayName } from './relay-name.js';

export type RelayState = SnapshotFrom<typeof relayMachine>;

/** Sessions one status may list, whatever the relay's maxSessions: each costs the hub a load and maybe an append. */
export const maxSessionsPerStatus = 10_000;

const messages: Readonly<Record<RelayFailureReason, string>> = {
  'invalid-message': 'the message is not a register, unregister or status message',
  'name-invalid': 'name must be 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit, and not "hub"',
  'host-name-missing': 'hostName is not populated',
  'host-name-invalid': 'hostName, externalHostName and alternateHostName must be host names or IP addresses',
  'token-missing': 'token is not populated',
  'max-sessions-invalid': 'maxSessions must be a whole number of at least 1',
  'port-invalid': 'port (where agents dial back) must be a whole number from 1 to 65535',
  'token-mismatch': 'the token does not match the one this relay registered with',
  'sessions-count-negative': 'currentNumberOfSessions must be a whole number, 0 or more',
  'relay-unknown': 'no relay is registered under this name',
  not_approved: 'this relay is not approved yet: an admin approves it (or it registers with the join secret), then it reports status',
  'sessions-too-many': `a status lists at most the relay's maxSessions sessions, and never more than ${maxSessionsPerStatus}`,
  'rate-limited': 'too many new relays registered from this address; try again in an hour',
  internal_error: 'the hub could not handle this message; try again later',
};

/** What POST /remote/rsstatus answers as FAILURE with `reason`. */
export const relayRefused = (reason: RelayFailureReason): TetherError => new TetherError('relay_refused', messages[reason], [reason]);

export const maxDescriptionLength = 1024;
/** More sessions than one process could hold is a typo. */
export const maxSessionsLimit = 1_000_000;

export const isKnown = (state: RelayState): boolean => state.matches('registered');

const present = (value: string | undefined): value is string => value !== undefined && value !== '';
const isWhole = (value: number | undefined, min: number, max: number): value is number =>
  value !== undefined && Number.isSafeInteger(value) && value >= min && value <= max;

const later = (now: Date, ms: number): string => new Date(now.getTime() + ms).toISOString();

function mustPresentToken(state: RelayState, tokenHash: string): void {
  if (state.context.tokenHash !== tokenHash) throw relayRefused('token-mismatch');
}

type Register = Extract<RelayCommand, { type: 'RegisterRelay' }>;

function decideRegister(state: RelayState, command: Register, now: Date): readonly RelayEvent[] {
  const { name, hostName, tokenHash, maxSessions, port, externalHostName, alternateHostName } = command;
  const description = command.description ?? '';
  if (!isRelayName(name)) throw relayRefused('name-invalid');
  if (!present(hostName)) throw relayRefused('host-name-missing');
  if (!present(tokenHash)) throw relayRefused('token-missing');
  if (!isWhole(maxSessions, 1, maxSessionsLimit)) throw relayRefused('max-sessions-invalid');
  if (description.length > maxDescriptionLength) throw relayRefused('invalid-message');
  const hosts = [hostName, externalHostName, alternateHostName].filter(present);
  if (!hosts.every(isHost)) throw relayRefused('host-name-invalid');
  if (port === undefined || !Port.is(port)) throw relayRefused('port-invalid');
  const known = isKnown(state);
  const first = !known || state.context.tokenHash === undefined;
  if (!first) mustPresentToken(state, tokenHash);
  const registeredAt = now.toISOString();
  const registered: RelayEvent = {
    type: 'RelayRegistered',
    data: {
      name,
      description,
      hostName,
      port,
      maxSessions,
      tokenHash,
      first,
      registeredAt,
      reportingUntil: later(now, command.heartbeatTimeoutMs),
      ...(present(externalHostName) ? { externalHostName } : {}),
      ...(present(alternateHostName) ? { alternateHostName } : {}),
    },
  };
  // A reset token takes the approval with it, so a first registration is never approved yet.
  const approved = known && state.context.approved;
  return command.joinSecretPresented && !approved ? [registered, { type: 'RelayApproved', data: { via: 'join-secret' } }] : [registered];
}

type Status = Extract<RelayCommand, { type: 'ReportRelayStatus' }>;

function decideStatus(state: RelayState, command: Status, now: Date): readonly RelayEvent[] {
  const { currentNumberOfSessions: count } = command;
  if (!isWhole(count, 0, Number.MAX_SAFE_INTEGER)) throw relayRefused('sessions-count-negative');
  if (!present(command.hostName)) throw relayRefused('host-name-missing');
  if (!present(command.tokenHash)) throw relayRefused('token-missing');
  if (!isKnown(state)) throw relayRefused('relay-unknown');
  mustPresentToken(state, command.tokenHash);
  const { context } = state;
  if (!context.approved) throw relayRefused('not_approved');
  if (command.sessionsListed > Math.min(context.maxSessions, maxSessionsPerStatus)) throw relayRefused('sessions-too-many');
  const lastRecorded = Date.parse(context.lastConnectionTime ?? '');
  // A quiet relay's pings are recorded often enough to keep it reporting, not every time.
  const due = Number.isNaN(lastRecorded) || now.getTime() - lastRecorded >= command.heartbeatTimeoutMs / 2;
  if (context.isReporting && count === context.currentNumberOfSessions && !due) return [];
  return [
    {
      type: 'RelayStatusReported',
      data: { currentNumberOfSessions: count, lastConnectionTime: now.toISOString(), reportingUntil: later(now, command.heartbeatTimeoutMs) },
    },
  ];
}

const notFound = (): TetherError => new TetherError('not_found', 'no such relay');

export function decideRelay(state: RelayState, command: RelayCommand, { now }: DecisionContext): readonly RelayEvent[] {
  const { context } = state;
  switch (command.type) {
    case 'RegisterRelay':
      return decideRegister(state, command, now);
    case 'ReportRelayStatus':
      return decideStatus(state, command, now);
    case 'UnregisterRelay':
      if (!present(command.hostName)) throw relayRefused('host-name-missing');
      if (!present(command.tokenHash)) throw relayRefused('token-missing');
      if (!isKnown(state)) throw relayRefused('relay-unknown');
      mustPresentToken(state, command.tokenHash);
      // Unregistering twice changes nothing: the relay may retry.
      return context.isReporting ? [{ type: 'RelayUnregistered', data: {} }] : [];
    case 'MarkRelayNotReporting': {
      // A timer may fire early, late or twice: only the clock says whether the relay is overdue.
      const until = context.reportingUntil;
      if (!isKnown(state) || !context.isReporting || until === undefined || now.getTime() < Date.parse(until)) return [];
      return [{ type: 'RelayStoppedReporting', data: { cause: 'heartbeat-missed', reportingUntil: until } }];
    }
    case 'ApproveRelay':
      if (!isKnown(state)) throw notFound();
      if (context.approved) return [];
      if (context.tokenHash === undefined) {
        throw new TetherError('transition_forbidden', `relay ${context.name} has had no token since its reset: approve it once it has registered again`);
      }
      return [{ type: 'RelayApproved', data: { via: 'admin' } }];
    case 'ResetRelayToken':
      if (!isKnown(state)) throw notFound();
      return context.tokenHash === undefined ? [] : [{ type: 'RelayTokenReset', data: {} }];
    case 'DeleteRelay':
      if (!isKnown(state)) throw notFound();
      return [{ type: 'RelayDeleted', data: {} }];
  }
}

export function relayDeadlines(state: RelayState): readonly Deadline<RelayCommand>[] {
  const until = state.context.reportingUntil;
  return isKnown(state) && state.context.isReporting && until !== undefined ? [{ at: until, command: { type: 'MarkRelayNotReporting' } }] : [];
}
