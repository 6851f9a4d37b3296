// The data plane's control messages (JSON text frames on the agent's gateway connection). Every
// stream, TCP or UDP, gets a connection of its own, dialled back by the agent, so each stream
// has its own flow control (a slow reader slows only its sender) and data never queues behind
// control traffic: a TCP stream's raw bytes, a UDP stream's datagrams length-prefixed
// (wire/datagram-stream.ts). See docs/devicelink.md.
import * as t from 'io-ts';
import { Host, LinkProtocol, Port } from '../tunnel/link-fields.js';
import { TerminationCause } from '../tunnel/termination-cause.js';
import { taggedUnion } from './tagged-union.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const StreamId = new t.Type<string, string, unknown>(
  'StreamId',
  (u): u is string => typeof u === 'string' && uuid.test(u),
  (u, c) => (typeof u === 'string' && uuid.test(u) ? t.success(u) : t.failure(u, c, 'expected a UUID in lower case')),
  t.identity,
);

/** A single-use secret (base64url, at least 128 bits) that admits the agent's dial-back for one stream. */
export const StreamToken = new t.Type<string, string, unknown>(
  'StreamToken',
  (u): u is string => typeof u === 'string' && /^[A-Za-z0-9_-]{22,128}$/.test(u),
  (u, c) =>
    typeof u === 'string' && /^[A-Za-z0-9_-]{22,128}$/.test(u) ? t.success(u) : t.failure(u, c, 'expected 22 to 128 base64url characters'),
  t.identity,
);

export const StreamTarget = t.type({ host: Host, port: Port });
export type StreamTarget = t.TypeOf<typeof StreamTarget>;

const dialBackBase = /^https?:\/\/(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):[0-9]{1,5}$/;
/** `http(s)://host:port` of the relay carrying a stream: its dial-back goes there, not to the hub. */
export const DialBackBase = new t.Type<string, string, unknown>(
  'DialBackBase',
  (u): u is string => typeof u === 'string' && dialBackBase.test(u),
  (u, c) => (typeof u === 'string' && dialBackBase.test(u) ? t.success(u) : t.failure(u, c, 'expected http(s)://host:port')),
  t.identity,
);

/**
 * hub → agent: reach `target` for stream `streamId`, then dial back the stream's connection
 * (dataSocketPath) presenting `token`. TCP: connect to the target first. UDP: connect a socket
 * to the target, dial back, then answer stream-opened; the datagrams travel length-prefixed on
 * the dial-back. With `dialBack` (a relay carries the link), the dial-back goes to that relay
 * instead of the hub.
 */
export const OpenStream = t.intersection([
  t.type({
    type: t.literal('open-stream'),
    streamId: StreamId,
    protocol: LinkProtocol,
    target: StreamTarget,
    token: StreamToken,
  }),
  t.partial({ dialBack: DialBackBase }),
]);
export type OpenStream = t.TypeOf<typeof OpenStream>;

/** hub → agent: end the stream now (the client left, the link was deleted, ...). */
export const CloseStream = t.type({ type: t.literal('close-stream'), streamId: StreamId, cause: TerminationCause });
export type CloseStream = t.TypeOf<typeof CloseStream>;

/** agent → hub, UDP only: the socket to the target and the dial-back are ready (a TCP stream's dial-back alone says as much). */
export const StreamOpened = t.type({ type: t.literal('stream-opened'), streamId: StreamId });
export type StreamOpened = t.TypeOf<typeof StreamOpened>;

export const StreamRefusalReason = t.keyof({ 'target-not-allowed': null, 'connect-failed': null });
export type StreamRefusalReason = t.TypeOf<typeof StreamRefusalReason>;

/** agent → hub: the target is not in the agent's --allow list, or could not be reached. `message` is for people. */
export const StreamRefused = t.type({
  type: t.literal('stream-refused'),
  streamId: StreamId,
  reason: StreamRefusalReason,
  message: t.string,
});
export type StreamRefused = t.TypeOf<typeof StreamRefused>;

/** The causes an agent can witness. */
export const AgentStreamCause = t.keyof({ 'device-closed': null, error: null });
export type AgentStreamCause = t.TypeOf<typeof AgentStreamCause>;

/** agent → hub: a UDP stream's socket failed or closed (a TCP stream ends on its own connection). */
export const StreamClosed = t.type({ type: t.literal('stream-closed'), streamId: StreamId, cause: AgentStreamCause });
export type StreamClosed = t.TypeOf<typeof StreamClosed>;

/** Members to merge into HubMessage and AgentMessage (gateway/hub-messages.ts, agent-messages.ts). */
export const hubStreamMessages = { 'open-stream': OpenStream, 'close-stream': CloseStream } as const;
export const agentStreamMessages = { 'stream-opened': StreamOpened, 'stream-refused': StreamRefused, 'stream-closed': StreamClosed } as const;

export const HubStreamMessage = taggedUnion('HubStreamMessage', hubStreamMessages);
export type HubStreamMessage = OpenStream | CloseStream;
export const AgentStreamMessage = taggedUnion('AgentStreamMessage', agentStreamMessages);
export type AgentStreamMessage = StreamOpened | StreamRefused | StreamClosed;

export const encodeStreamMessage = (message: HubStreamMessage | AgentStreamMessage): string => JSON.stringify(message);

// A stream's own connection: the agent dials back with an HTTP upgrade to `tether-stream` (not
// WebSocket: after the 101 a TCP stream's connection is its raw bytes, so TCP's own flow
// control, half-close (FIN) and reset (RST) carry through unchanged, and no frame is masked or
// parsed on the way; a UDP stream's is its datagrams, each behind a 2-byte length).

/** The path the agent dials back for a stream; the token goes in `authorization: Bearer <token>`. */
export const dataSocketPath = (streamId: string): string => `/gateway/streams/${streamId}`;

/** The `upgrade` header of a stream's dial-back. */
export const streamUpgradeProtocol = 'tether-stream';
