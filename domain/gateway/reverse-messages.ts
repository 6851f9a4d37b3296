// Control messages of reverse connections (protocol applications of type dtt-reverse) and of
// service endpoints, on the agent's gateway connection. The device's agent listens on a local
// port; each connection an application makes there becomes a stream the hub carries to the
// target endpoint. The stream's bytes take their own connection, dialled back exactly as a
// DeviceLink TCP stream's (docs/devicelink.md, "Hub ↔ agent"): `reverse-accept` gives the
// single-use token. A stream the hub will not carry is ended with `close-stream`.
import * as t from 'io-ts';
import { Port } from '../tunnel/link-fields.js';
import { StreamId, StreamToken } from './stream-messages.js';
import { taggedUnion } from './tagged-union.js';

/** hub → agent: listen on 127.0.0.1:`port` of the device for reverse connections of listener `listenerId`. */
export const ReverseListen = t.type({ type: t.literal('reverse-listen'), listenerId: StreamId, port: Port });
export type ReverseListen = t.TypeOf<typeof ReverseListen>;

/** hub → agent: stop listening (disconnect); streams already carried end with their own close-stream. */
export const ReverseUnlisten = t.type({ type: t.literal('reverse-unlisten'), listenerId: StreamId });
export type ReverseUnlisten = t.TypeOf<typeof ReverseUnlisten>;

/** hub → agent: the target is reached; dial back stream `streamId` with `token`. */
export const ReverseAccept = t.type({ type: t.literal('reverse-accept'), streamId: StreamId, token: StreamToken });
export type ReverseAccept = t.TypeOf<typeof ReverseAccept>;

/** agent → hub: the listener is up. */
export const ReverseListening = t.type({ type: t.literal('reverse-listening'), listenerId: StreamId });
export type ReverseListening = t.TypeOf<typeof ReverseListening>;

/** agent → hub: the listener could not start (the port is taken, ...); `message` is for people. */
export const ReverseListenFailed = t.type({ type: t.literal('reverse-listen-failed'), listenerId: StreamId, message: t.string });
export type ReverseListenFailed = t.TypeOf<typeof ReverseListenFailed>;

/** agent → hub: an application connected to the listener; `streamId` is the agent's fresh UUID for it. */
export const ReverseConnect = t.type({ type: t.literal('reverse-connect'), listenerId: StreamId, streamId: StreamId });
export type ReverseConnect = t.TypeOf<typeof ReverseConnect>;

/** agent → hub, after each welcome: this agent serves as a target endpoint in its service network (`--service-endpoint`). */
export const ServiceEndpoint = t.type({ type: t.literal('service-endpoint') });
export type ServiceEndpoint = t.TypeOf<typeof ServiceEndpoint>;

/** Members to merge into HubMessage and AgentMessage (gateway/hub-messages.ts, agent-messages.ts). */
export const hubReverseMessages = { 'reverse-listen': ReverseListen, 'reverse-unlisten': ReverseUnlisten, 'reverse-accept': ReverseAccept } as const;
export const agentReverseMessages = {
  'reverse-listening': ReverseListening,
  'reverse-listen-failed': ReverseListenFailed,
  'reverse-connect': ReverseConnect,
  'service-endpoint': ServiceEndpoint,
} as const;

export const HubReverseMessage = taggedUnion('HubReverseMessage', hubReverseMessages);
export type HubReverseMessage = ReverseListen | ReverseUnlisten | ReverseAccept;
export const AgentReverseMessage = taggedUnion('AgentReverseMessage', agentReverseMessages);
export type AgentReverseMessage = ReverseListening | ReverseListenFailed | ReverseConnect | ServiceEndpoint;
