// Remote sessions and their timelines as the hub's session API answers: the fields the
// commands show are checked; --json prints the answer whole.
import * as t from 'io-ts';
import { pageOf } from './pages.js';

const Who = t.type({ id: t.string, role: t.string });

export const SessionView = t.intersection(
  [
    t.type({
      id: t.string,
      kind: t.string,
      state: t.string,
      device: t.string,
      tenantId: t.string,
      relay: t.string,
      protocol: t.string,
      devicePort: t.number,
      port: t.number,
      encrypted: t.boolean,
      requestedBy: Who,
      createdTime: t.string,
      bytesToDevice: t.number,
      bytesFromDevice: t.number,
      bytesTransferred: t.number,
      streams: t.number,
    }),
    t.partial({ userIP: t.string, clientIP: t.string, agentIP: t.string, endTime: t.string, terminationCause: t.string }),
  ],
  'a session',
);
export type SessionView = t.TypeOf<typeof SessionView>;

export const SessionPage = pageOf(SessionView, 'a page of sessions');

export const TimelineEntry = t.intersection([
  t.type({ revision: t.number, position: t.number, type: t.string, data: t.UnknownRecord, who: Who, at: t.string, correlationId: t.string }),
  t.partial({ ip: t.string }),
]);
export type TimelineEntry = t.TypeOf<typeof TimelineEntry>;

export const SessionTimeline = t.type({ id: t.string, events: t.array(TimelineEntry) }, 'a session timeline');
