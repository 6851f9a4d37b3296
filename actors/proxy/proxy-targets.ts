// Where a proxy's connection goes, and how the hub gets there: a host address, a plugin of
// the hub's configuration, or an address reachable from a device (through the device's agent,
// as a DeviceLink stream). TLS to the target is the hub's, end to end, also through a device.
import type { Socket } from 'node:net';
import type { Mac } from '../../domain/device/mac.js';
import { TetherError } from '../../domain/errors.js';
import type { ForwardOpened } from '../../domain/forward-session/events.js';
import type { ProxySettings } from '../../domain/proxy/proxy-settings.js';
import { isDeviceTarget, transportOf } from '../../domain/proxy/proxy-settings.js';
import type { DeviceStreams } from '../../data-plane/device-dialer.js';
import type { OpenForwardFields } from '../forward-session/forward-session.js';
import type { PluginDirectory } from './plugin-directory.js';
import { connectTarget, tlsOver } from '../../data-plane/target-connect.js';
import type { TerminationCause } from '../../domain/tunnel/termination-cause.js';

export interface ReachedTarget {
  readonly socket: Socket;
  /** TLS runs on `socket`: its clear bytes are counted, not the ciphertext. */
  readonly secure: boolean;
  readonly agentIP?: string;
  /** Tells the device the stream is over (through a device only). */
  readonly tellClosed?: (cause: TerminationCause) => void;
}

/** The host and port the target is reached at (a plugin's host from the configuration). */
export function targetAddressOf(settings: ProxySettings, plugins: PluginDirectory): { readonly host: string; readonly port: number } {
  const { target } = settings;
  if (isDeviceTarget(target)) return { host: target.address, port: target.port };
  if (target.type === 'host') return { host: target.address, port: target.port };
  const plugin = plugins.get(target.plugin);
  if (plugin === undefined) throw new TetherError('unavailable', `plugin ${target.plugin} is not in the hub's configuration`);
  return { host: plugin.host, port: target.port };
}

/** The device a proxy's connections go through, if any. */
export const deviceOf = (settings: ProxySettings): Mac | undefined => (isDeviceTarget(settings.target) ? settings.target.device : undefined);

/** Reaches the target of one connection for the client at `clientIp`; `signal` gives up (the client left). */
export async function reachProxyTarget(settings: ProxySettings, plugins: PluginDirectory, dialer: DeviceStreams, client: { readonly signal: AbortSignal; readonly clientIp: string }): Promise<ReachedTarget> {
  const { target } = settings;
  const address = targetAddressOf(settings, plugins);
  if (!isDeviceTarget(target)) {
    const socket = await connectTarget({ ...address, ...(target.tls === undefined ? {} : { tls: target.tls }) });
    return { socket, secure: target.tls !== undefined };
  }
  const dialed = await dialer.dialTcp(target.device, address, { tenantId: target.tenant, ...client });
  if (target.tls === undefined) return { socket: dialed.socket, secure: false, agentIP: dialed.agentIP, tellClosed: dialed.close };
  const socket = await tlsOver(dialed.socket, { ...address, tls: target.tls });
  return { socket, secure: true, agentIP: dialed.agentIP, tellClosed: dialed.close };
}

/** What a proxy session records of its profile when it opens. */
export function proxySessionFields(
  proxyId: string,
  settings: ProxySettings,
  plugins: PluginDirectory,
  session: { readonly sessionId: string; readonly nodeId: string; readonly client: { readonly streamId: string; readonly clientHost: string; readonly clientPort: number } },
): OpenForwardFields {
  const { target } = settings;
  let host: string;
  let port: number;
  try {
    ({ host, port } = targetAddressOf(settings, plugins));
  } catch {
    host = 'plugin' in target ? target.plugin : 'unknown';
    port = target.port;
  }
  const fields: Omit<ForwardOpened['data'], 'requestedBy' | 'createdTime'> = {
    sessionId: session.sessionId,
    kind: 'proxy',
    sourceId: proxyId,
    mode: settings.protocol,
    transport: transportOf(settings.protocol),
    target: { host, port },
    relay: 'hub',
    node: session.nodeId,
    port: settings.sourcePort,
    tls: target.tls !== undefined,
    userIP: session.client.clientHost,
    ...(isDeviceTarget(target) ? { tenantId: target.tenant, device: target.device, devicePort: target.port } : {}),
  };
  return { ...fields, firstClient: session.client };
}
