// Relays as the hub's relay API answers: the fields `tether relays ls` shows are checked; --json
// prints the answer whole.
import * as t from 'io-ts';
import { pageOf } from './pages.js';

const Text = t.union([t.string, t.null]);

export const RelayView = t.type(
  {
    name: t.string,
    description: t.string,
    hostName: t.string,
    externalHostName: Text,
    alternateHostName: Text,
    port: t.number,
    maxSessions: t.number,
    currentNumberOfSessions: t.number,
    isReporting: t.boolean,
    approved: t.boolean,
    firstRegistrationDate: Text,
    lastRegistrationDate: Text,
    lastConnectionTime: Text,
    connected: t.boolean,
    liveSessions: t.number,
  },
  'a relay',
);
export type RelayView = t.TypeOf<typeof RelayView>;

export const RelayPage = pageOf(RelayView, 'a page of relays');
