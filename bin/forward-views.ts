// Proxy profiles and protocol applications as the hub's API answers: the fields the tables show
// are checked; --json prints the answer whole.
import * as t from 'io-ts';
import { pageOf } from './pages.js';

const Target = t.record(t.string, t.unknown);

export const ProxyView = t.type(
  { id: t.string, name: t.string, protocol: t.string, enabled: t.boolean, sourcePort: t.number, target: Target, createdAt: t.string, updatedAt: t.string },
  'a proxy profile',
);
export type ProxyView = t.TypeOf<typeof ProxyView>;
export const ProxyPage = pageOf(ProxyView, 'a page of proxy profiles');

export const ProtocolAppView = t.type({ id: t.string, name: t.string, type: t.string, createdAt: t.string, updatedAt: t.string }, 'a protocol application');
export type ProtocolAppView = t.TypeOf<typeof ProtocolAppView>;
export const ProtocolAppPage = pageOf(ProtocolAppView, 'a page of protocol applications');

export const AppAssignment = t.type({ appId: t.string, device: t.string, tenantId: t.string, assignedAt: t.string }, 'an assignment');
export type AppAssignment = t.TypeOf<typeof AppAssignment>;

const Connection = t.intersection([t.type({ type: t.string, sessions: t.array(t.string) }), t.partial({ port: t.number, url: t.string })]);

export const AppConnection = t.intersection([t.type({ appId: t.string, device: t.string }), Connection], 'a connection');
export type AppConnection = t.TypeOf<typeof AppConnection>;

export const DeviceApps = t.type(
  { items: t.array(t.intersection([AppAssignment, t.type({ app: ProtocolAppView, connection: t.union([Connection, t.null]) })])) },
  'the applications of a device',
);
export type DeviceApps = t.TypeOf<typeof DeviceApps>;

/** Where a target leads, in a table cell: host:port, plugin:port, or device:address:port. */
export function targetText(target: Readonly<Record<string, unknown>>): string {
  const port = String(target.port ?? '?');
  if (target.type === 'plugin') return `plugin ${String(target.plugin)}:${port}`;
  if (typeof target.device === 'string') return `${String(target.tenant)}/${target.device} ${String(target.address)}:${port}`;
  return `${String(target.address ?? '?')}:${port}`;
}
