// A forwarded session: one connection of a proxy profile, or one connection (connect ...
// disconnect) of a protocol application on a device. Stream `forward-<uuid>`. It keeps the
// DeviceLink session record's discipline (domain/tunnel): totals appended at a bounded rate,
// never decreasing, exact at the end; the same closed set of termination causes.
import * as t from 'io-ts';
import { Mac } from '../device/mac.js';
import { Role } from '../principal.js';
import { ByteCount, LinkProtocol, Port } from '../tunnel/link-fields.js';
import { TerminationCause } from '../tunnel/termination-cause.js';

export const ForwardKind = t.keyof({ proxy: null, 'protocol-app': null });
export type ForwardKind = t.TypeOf<typeof ForwardKind>;

/** How the session forwards: a proxy's protocol or a protocol application's type. */
export const ForwardMode = t.keyof({
  tcp: null,
  udp: null,
  'tcp-over-device': null,
  'http-over-device': null,
  http: null,
  'dtt-reverse': null,
});
export type ForwardMode = t.TypeOf<typeof ForwardMode>;

export const ForwardTarget = t.type({ host: t.string, port: Port });
export type ForwardTarget = t.TypeOf<typeof ForwardTarget>;

/**
 * `sourceId`: the proxy id or the application id. `transport`: what the bytes ride. `device`:
 * the device the session goes through (over-device, an application's device; for dtt-reverse
 * the device whose applications connect out). `tenantId`: the device's tenant (absent for a
 * proxy to a host or plugin, which only admins see). `port`: the hub port clients connect to;
 * `devicePort`: the port on the device side; `target`: where the bytes go, as seen from
 * `endpoint` (dtt-reverse: `hub` or the MAC of a service endpoint). `userIP`: the API caller
 * (applications) or the client (proxies).
 */
export const ForwardOpened = t.type({
  type: t.literal('ForwardOpened'),
  data: t.intersection([
    t.type({
      sessionId: t.string,
      kind: ForwardKind,
      sourceId: t.string,
      mode: ForwardMode,
      transport: LinkProtocol,
      target: ForwardTarget,
      relay: t.string,
      requestedBy: t.type({ id: t.string, role: Role }),
      createdTime: t.string,
    }),
    t.partial({
      tenantId: t.string,
      device: Mac,
      port: Port,
      devicePort: Port,
      endpoint: t.string,
      tls: t.boolean,
      node: t.string,
      userIP: t.string,
    }),
  ]),
});
export type ForwardOpened = t.TypeOf<typeof ForwardOpened>;

/** A client connection (or UDP flow) became stream `streamId` of the session. */
export const ForwardStreamAttached = t.type({
  type: t.literal('ForwardStreamAttached'),
  data: t.type({ streamId: t.string, clientHost: t.string, clientPort: Port }),
});
export type ForwardStreamAttached = t.TypeOf<typeof ForwardStreamAttached>;

/** The stream reached its target; `agentIP`: the device (or service endpoint) as the hub saw it. */
export const ForwardStreamOpened = t.type({
  type: t.literal('ForwardStreamOpened'),
  data: t.intersection([t.type({ streamId: t.string }), t.partial({ agentIP: t.string })]),
});
export type ForwardStreamOpened = t.TypeOf<typeof ForwardStreamOpened>;

export const ForwardStreamClosed = t.type({
  type: t.literal('ForwardStreamClosed'),
  data: t.type({ streamId: t.string, cause: TerminationCause, bytesToTarget: ByteCount, bytesFromTarget: ByteCount }),
});
export type ForwardStreamClosed = t.TypeOf<typeof ForwardStreamClosed>;

/** Cumulative totals so far, appended at a bounded rate. */
export const ForwardTrafficRecorded = t.type({
  type: t.literal('ForwardTrafficRecorded'),
  data: t.type({ bytesToTarget: ByteCount, bytesFromTarget: ByteCount }),
});
export type ForwardTrafficRecorded = t.TypeOf<typeof ForwardTrafficRecorded>;

/** The session ended, with every live stream; the totals are exactly the bytes that crossed. */
export const ForwardClosed = t.type({
  type: t.literal('ForwardClosed'),
  data: t.type({
    cause: TerminationCause,
    endTime: t.string,
    bytesToTarget: ByteCount,
    bytesFromTarget: ByteCount,
    bytesTransferred: ByteCount,
  }),
});
export type ForwardClosed = t.TypeOf<typeof ForwardClosed>;

export const ForwardEvent = t.union([
  ForwardOpened,
  ForwardStreamAttached,
  ForwardStreamOpened,
  ForwardStreamClosed,
  ForwardTrafficRecorded,
  ForwardClosed,
]);
export type ForwardEvent = t.TypeOf<typeof ForwardEvent>;
