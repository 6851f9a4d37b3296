// The Tether links' session records against the bytes the client counted: each link is closed
// with its token (final totals are exact only once it ended), then its record is read.
import { setTimeout as sleep } from 'node:timers/promises';
import type { HubApi, SessionTotals } from './tunnel-hub-api.js';

export interface LinkLedger {
  readonly name: string;
  readonly token: string;
  readonly toDevice: number;
  readonly fromDevice: number;
}

export interface SessionCheck {
  readonly link: LinkLedger;
  /** Undefined when there is no record to compare (see `problem`). */
  readonly recorded?: SessionTotals;
  readonly problem?: string;
}

const closedWithinMs = 10_000;

export const sessionMatches = (check: SessionCheck): boolean =>
  check.recorded !== undefined &&
  check.recorded.bytesToDevice === check.link.toDevice &&
  check.recorded.bytesFromDevice === check.link.fromDevice;

async function closedRecord(api: HubApi, token: string): Promise<SessionTotals | string> {
  const deadline = performance.now() + closedWithinMs;
  let last = 'no answer';
  while (performance.now() < deadline) {
    const reply = await api.session(token);
    if ('state' in reply) {
      if (reply.state === 'closed') return reply;
      last = `still ${reply.state}`;
    } else {
      last = `${reply.status} ${reply.text.slice(0, 200)}`;
      // No such route (yet): waiting would not change that.
      if (reply.status === 404 && reply.text.includes('no route for')) break;
    }
    await sleep(100);
  }
  return `GET /api/v1/sessions/:id: ${last}`;
}

export async function checkSessions(api: HubApi, links: readonly LinkLedger[]): Promise<SessionCheck[]> {
  const checks: SessionCheck[] = [];
  for (const link of links) {
    try {
      await api.closeLink(link.token);
      const record = await closedRecord(api, link.token);
      checks.push(typeof record === 'string' ? { link, problem: record } : { link, recorded: record });
    } catch (error) {
      checks.push({ link, problem: error instanceof Error ? error.message : String(error) });
    }
  }
  return checks;
}
