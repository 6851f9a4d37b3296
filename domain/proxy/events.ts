import * as t from 'io-ts';
import { Port } from '../tunnel/link-fields.js';
import { DeviceTarget, HostTarget, PluginTarget, ProxyProtocol } from './proxy-settings.js';
import type { ProxySettings } from './proxy-settings.js';

/** A profile's settings as stored in its events. */
export const StoredProxySettings: t.Type<ProxySettings, unknown, unknown> = t.intersection([
  t.type({
    name: t.string,
    protocol: ProxyProtocol,
    enabled: t.boolean,
    sourcePort: Port,
    target: t.union([HostTarget, PluginTarget, DeviceTarget]),
  }),
  t.partial({ description: t.string, timeout: t.number }),
]);

/** A profile was created; it listens on its source port from now on when `enabled`. */
export const ProxyCreated = t.type({
  type: t.literal('ProxyCreated'),
  data: t.type({ proxyId: t.string, settings: StoredProxySettings }),
});
export type ProxyCreated = t.TypeOf<typeof ProxyCreated>;

/** An edit: every setting but the id, as they are now (the id never changes). */
export const ProxyUpdated = t.type({
  type: t.literal('ProxyUpdated'),
  data: t.type({ proxyId: t.string, settings: StoredProxySettings }),
});
export type ProxyUpdated = t.TypeOf<typeof ProxyUpdated>;

/** The enabled switch: the source port opens (ProxyEnabled) or closes (ProxyDisabled); the profile stays. */
export const ProxyEnabled = t.type({ type: t.literal('ProxyEnabled'), data: t.type({ proxyId: t.string }) });
export type ProxyEnabled = t.TypeOf<typeof ProxyEnabled>;

export const ProxyDisabled = t.type({ type: t.literal('ProxyDisabled'), data: t.type({ proxyId: t.string }) });
export type ProxyDisabled = t.TypeOf<typeof ProxyDisabled>;

/** Removed for good: the port closed and its live connections ended (cause deleted). The id may be used again. */
export const ProxyRemoved = t.type({ type: t.literal('ProxyRemoved'), data: t.type({ proxyId: t.string }) });
export type ProxyRemoved = t.TypeOf<typeof ProxyRemoved>;

export const ProxyEvent = t.union([ProxyCreated, ProxyUpdated, ProxyEnabled, ProxyDisabled, ProxyRemoved]);
export type ProxyEvent = t.TypeOf<typeof ProxyEvent>;
