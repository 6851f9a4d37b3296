// The hub ↔ relay control channel: JSON text frames on a WebSocket the relay opens to the hub
// at `relayChannelPath`, authenticated by its name and token. The relay holds the link ports and
// the agents' dial-backs; the hub keeps the state: every event of a link placed on a relay is
// decided and appended by the hub (`record`), and every message to or from the agent passes the
// hub's gateway connection (`to-device`, `device-message`). See docs/devicelink.md, "Relays".
import * as t from 'io-ts';
import { Mac } from '../device/mac.js';
import { AgentStreamMessage, CloseStream, OpenStream, StreamId } from '../gateway/stream-messages.js';
import { taggedUnion } from '../gateway/tagged-union.js';
import { ByteCount, LinkEncryption, LinkProtocol, LinkSource, Port, TimeoutMs } from '../tunnel/link-fields.js';
import { TerminationCause } from '../tunnel/termination-cause.js';

/** Where the relay opens its control channel on the hub. */
export const relayChannelPath = '/relay';
/** The header naming the relay on that upgrade; its token goes in `authorization: Bearer <token>`. */
export const relayNameHeader = 'tether-relay-name';

const TunnelId = StreamId;
const RequestId = t.number;

// hub → relay

/**
 * Open the client-facing side of link `tunnelId`: a port from the relay's range. The key, when
 * the link is encrypted, travels here and nowhere else (never into an event).
 * `sourceAddresses`: the source host's addresses as the hub resolved them.
 */
export const OpenLink = t.intersection([
  t.type({
    type: t.literal('open-link'),
    tunnelId: TunnelId,
    device: Mac,
    tenantId: t.string,
    protocol: LinkProtocol,
    devicePort: Port,
    agentIP: t.string,
    progressIntervalMs: t.number,
  }),
  t.partial({ timeout: TimeoutMs, source: LinkSource, sourceAddresses: t.array(t.string), encrypt: LinkEncryption }),
]);
export type OpenLink = t.TypeOf<typeof OpenLink>;

/** End link `tunnelId` for `cause`; the relay answers link-closed with its final totals. */
export const CloseLink = t.type({ type: t.literal('close-link'), tunnelId: TunnelId, cause: TerminationCause });
export type CloseLink = t.TypeOf<typeof CloseLink>;

/** The agent's message about one of the link's streams, passed on by the hub. */
export const DeviceMessage = t.type({ type: t.literal('device-message'), tunnelId: TunnelId, message: AgentStreamMessage });
export type DeviceMessage = t.TypeOf<typeof DeviceMessage>;

/** The answer to `record`: the types of the events the hub appended (none: the command changed nothing). */
export const Recorded = t.type({ type: t.literal('recorded'), requestId: RequestId, events: t.array(t.string) });
export type Recorded = t.TypeOf<typeof Recorded>;

/** The hub refused a `record`. */
export const RecordFailed = t.type({ type: t.literal('record-failed'), requestId: RequestId, code: t.string, message: t.string });
export type RecordFailed = t.TypeOf<typeof RecordFailed>;

export const HubToRelayMessage = taggedUnion('HubToRelayMessage', {
  'open-link': OpenLink,
  'close-link': CloseLink,
  'device-message': DeviceMessage,
  recorded: Recorded,
  'record-failed': RecordFailed,
});
export type HubToRelayMessage = OpenLink | CloseLink | DeviceMessage | Recorded | RecordFailed;

// relay → hub

export const LinkOpened = t.type({ type: t.literal('link-opened'), tunnelId: TunnelId, port: Port });
export type LinkOpened = t.TypeOf<typeof LinkOpened>;

export const LinkFailed = t.type({ type: t.literal('link-failed'), tunnelId: TunnelId, code: t.string, message: t.string });
export type LinkFailed = t.TypeOf<typeof LinkFailed>;

/** The link ended on the relay (its own cause, or in answer to close-link): exactly the bytes that crossed. */
export const LinkClosed = t.type({
  type: t.literal('link-closed'),
  tunnelId: TunnelId,
  cause: TerminationCause,
  bytesToDevice: ByteCount,
  bytesFromDevice: ByteCount,
});
export type LinkClosed = t.TypeOf<typeof LinkClosed>;

/** The commands of a live link the relay asks the hub to decide and append (domain/tunnel/commands.ts). */
export const RelayTunnelCommand = taggedUnion('RelayTunnelCommand', {
  AttachClient: t.intersection([
    t.type({ type: t.literal('AttachClient'), streamId: StreamId, clientHost: t.string, clientPort: Port }),
    t.partial({ agentIP: t.string }),
  ]),
  OpenStream: t.intersection([t.type({ type: t.literal('OpenStream'), streamId: StreamId }), t.partial({ agentIP: t.string })]),
  CloseStream: t.intersection([
    t.type({
      type: t.literal('CloseStream'),
      streamId: StreamId,
      cause: TerminationCause,
      bytesToDevice: ByteCount,
      bytesFromDevice: ByteCount,
    }),
    t.partial({ reachedDevice: t.boolean }),
  ]),
  RecordTraffic: t.type({ type: t.literal('RecordTraffic'), bytesToDevice: ByteCount, bytesFromDevice: ByteCount }),
});
export type RelayTunnelCommand = t.TypeOf<typeof RelayTunnelCommand>;

/** Decide and append `command` on link `tunnelId`; `ip`: the client's, when the command is about one. */
export const RecordCommand = t.intersection([
  t.type({ type: t.literal('record'), requestId: RequestId, tunnelId: TunnelId, command: RelayTunnelCommand }),
  t.partial({ ip: t.string }),
]);
export type RecordCommand = t.TypeOf<typeof RecordCommand>;

/** A message for the agent about one of the link's streams; the hub checks it and passes it on. */
export const ToDevice = t.type({
  type: t.literal('to-device'),
  tunnelId: TunnelId,
  message: taggedUnion('HubStreamMessage', { 'open-stream': OpenStream, 'close-stream': CloseStream }),
});
export type ToDevice = t.TypeOf<typeof ToDevice>;

export const RelayToHubMessage = taggedUnion('RelayToHubMessage', {
  'link-opened': LinkOpened,
  'link-failed': LinkFailed,
  'link-closed': LinkClosed,
  record: RecordCommand,
  'to-device': ToDevice,
});
export type RelayToHubMessage = LinkOpened | LinkFailed | LinkClosed | RecordCommand | ToDevice;

/** A control frame larger than this is refused unread (an open-link with many source addresses stays far below). */
export const maxRelayFrameBytes = 64 * 1024;
