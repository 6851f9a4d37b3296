// The sessions a relay's status lists (the seed's RemoteSession fields), each applied to its
// link: agentIP, userIP and createdTime where they differ from the recorded ones, traffic
// totals (never lower than what is recorded), terminationCause with endTime for a link no node
// holds live. As the seed says, a session that cannot be updated is logged and the others apply.
import { isLeft } from 'fp-ts/lib/Either.js';
import { isTetherError, TetherError } from '../../domain/errors.js';
import { RelaySessionStatus } from '../../domain/relay/rsstatus-message.js';
import { tunnelAggregate } from '../../domain/tunnel/aggregate.js';
import { isOpen } from '../../domain/tunnel/decide.js';
import { ByteCount } from '../../domain/tunnel/link-fields.js';
import { isTunnelId } from '../../domain/tunnel/link-token.js';
import { trafficFloor } from '../../domain/tunnel/machine.js';
import { TerminationCause } from '../../domain/tunnel/termination-cause.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import type { CommandContext } from '../../domain/command-context.js';
import type { TunnelLogger } from '../../data-plane/live-tunnel.js';
import { relayPrincipal } from '../../data-plane/remote-tunnel.js';

export interface SessionStatusTarget {
  readonly runtime: ActorRuntime;
  readonly links: { holds(tunnelId: string): boolean };
  readonly logger: TunnelLogger;
}

/** What became of the sessions one status lists: logged as one line, however many there are. */
interface SessionOutcomes {
  updated: number;
  invalid: number;
  unknown: number;
  failed: number;
  firstFailure?: unknown;
}

/** Applies each session; what could not be is logged in one line, since a status may list thousands. */
export async function applySessionStatuses(target: SessionStatusTarget, relay: string, sessions: readonly unknown[]): Promise<void> {
  const outcomes: SessionOutcomes = { updated: 0, invalid: 0, unknown: 0, failed: 0 };
  for (const raw of sessions) {
    try {
      await applySessionStatus(target, relay, raw);
      outcomes.updated += 1;
    } catch (error) {
      if (isTetherError(error, 'validation_failed')) outcomes.invalid += 1;
      else if (isTetherError(error, 'not_found')) outcomes.unknown += 1;
      else {
        outcomes.failed += 1;
        outcomes.firstFailure ??= error;
      }
    }
  }
  const { updated, invalid, unknown, failed, firstFailure } = outcomes;
  if (invalid + unknown + failed === 0) return;
  const details = { relay, sessions: sessions.length, updated, invalid, unknown, failed, ...(firstFailure === undefined ? {} : { err: firstFailure }) };
  target.logger.warn(details, 'sessions of a relay status could not be updated');
}

async function applySessionStatus({ runtime, links }: SessionStatusTarget, relay: string, raw: unknown): Promise<void> {
  const decoded = RelaySessionStatus.decode(raw);
  if (isLeft(decoded) || !isTunnelId(decoded.right.id)) throw new TetherError('validation_failed', 'a session is {id: <session id>, ...} with the seed fields');
  const session = decoded.right;
  const { state } = await runtime.load(tunnelAggregate, session.id);
  if (state.matches('absent') || state.context.relay !== relay) throw new TetherError('not_found', `session ${session.id} is not a session of relay ${relay}`);
  if (!isOpen(state)) return;
  const context: CommandContext = { principal: relayPrincipal(relay), correlationId: session.id };
  const totals = totalsOf(session, trafficFloor(state.context));
  const report = {
    ...given('agentIP', session.agentIP),
    ...given('userIP', session.userIP),
    ...given('createdTime', session.createdTime),
  };
  const cause = session.terminationCause;
  if (cause !== undefined && cause !== null && !links.holds(session.id)) {
    if (!TerminationCause.is(cause)) throw new TetherError('validation_failed', `terminationCause ${JSON.stringify(cause)} is not a termination cause`);
    // One append: the end and the fields, or neither.
    await runtime.execute(tunnelAggregate, session.id, { type: 'CloseTunnel', cause, ...totals, ...given('endTime', session.endTime), reported: report }, context);
    return;
  }
  if (Object.keys(report).length > 0) await runtime.execute(tunnelAggregate, session.id, { type: 'RecordRelayReport', ...report }, context);
  if (totals.bytesToDevice !== state.context.bytesToDevice || totals.bytesFromDevice !== state.context.bytesFromDevice) {
    await runtime.execute(tunnelAggregate, session.id, { type: 'RecordTraffic', ...totals }, context);
  }
}

/** A field the status populated (null is "not populated", as for the messages). */
function given<K extends string>(field: K, value: string | null | undefined): { readonly [key in K]?: string } {
  return value === undefined || value === null ? {} : ({ [field]: value } as { readonly [key in K]: string });
}

type SessionTotals = { readonly bytesToDevice: number; readonly bytesFromDevice: number };

/**
 * The link's totals after a status: the per-direction figures, never below what is recorded.
 * bytesTransferred must be their sum; alone (a relay that counts no directions) it cannot be
 * split, so it is only checked against the recorded total.
 */
function totalsOf(session: RelaySessionStatus, floor: SessionTotals): SessionTotals {
  const { bytesToDevice, bytesFromDevice, bytesTransferred } = session;
  const perDirection = typeof bytesToDevice === 'number' && typeof bytesFromDevice === 'number';
  // Checked before anything is appended, so a session with a bad count changes nothing (the report and the totals are then two appends).
  const counts = [bytesToDevice, bytesFromDevice, bytesTransferred].filter((count) => typeof count === 'number');
  if (!counts.every((count) => ByteCount.is(count))) throw new TetherError('validation_failed', 'byte counts are whole numbers, 0 or more', ['bytesTransferred']);
  if (typeof bytesTransferred === 'number') {
    const expected = perDirection ? bytesToDevice + bytesFromDevice : Math.max(bytesTransferred, floor.bytesToDevice + floor.bytesFromDevice);
    if (bytesTransferred !== expected) {
      throw new TetherError('validation_failed', 'bytesTransferred must be bytesToDevice plus bytesFromDevice, and never below the recorded total', ['bytesTransferred']);
    }
  }
  return perDirection ? { bytesToDevice: Math.max(bytesToDevice, floor.bytesToDevice), bytesFromDevice: Math.max(bytesFromDevice, floor.bytesFromDevice) } : floor;
}
