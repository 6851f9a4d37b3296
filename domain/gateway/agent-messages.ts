// Control messages the agent sends to the hub: JSON text frames, the only frames of the gateway connection.
import * as t from 'io-ts';
import { InventoryText, ReportedApps, ReportedCategories, ReportedSoftware } from '../device/inventory.js';
import { Mac } from '../device/mac.js';
import { agentJobMessages } from './job-messages.js';
import type { AgentJobMessage } from './job-messages.js';
import { agentReverseMessages } from './reverse-messages.js';
import type { AgentReverseMessage } from './reverse-messages.js';
import { agentStreamMessages } from './stream-messages.js';
import type { AgentStreamMessage } from './stream-messages.js';
import { taggedUnion } from './tagged-union.js';

/** The first message on every connection. */
export const Hello = t.intersection([
  t.type({
    type: t.literal('hello'),
    mac: Mac,
    model: InventoryText,
    firmware: InventoryText,
    apps: ReportedApps,
    categories: ReportedCategories,
    agentVersion: t.string,
  }),
  t.partial({
    /** Software packages (software.json) installed; optional, so that older agents still say hello. */
    software: ReportedSoftware,
    /** The device password the hub delivered at assignment. */
    password: t.string,
    /** A provisioning code to redeem; sent only while the agent has no password. */
    code: t.string,
  }),
]);
export type Hello = t.TypeOf<typeof Hello>;

export const Ping = t.type({ type: t.literal('ping') });
export type Ping = t.TypeOf<typeof Ping>;

/** Something failed on the device (e.g. the password hook); the hub logs it. */
export const ErrorReport = t.type({ type: t.literal('error-report'), message: t.string });
export type ErrorReport = t.TypeOf<typeof ErrorReport>;

export const AgentMessage = taggedUnion('AgentMessage', { hello: Hello, ping: Ping, 'error-report': ErrorReport, ...agentStreamMessages, ...agentJobMessages, ...agentReverseMessages });
export type AgentMessage = Hello | Ping | ErrorReport | AgentStreamMessage | AgentJobMessage | AgentReverseMessage;
