// Proxy profiles on a real runtime, with no device online: what the proxy tests build a node's
// proxies from.
import { isLeft } from 'fp-ts/lib/Either.js';
import type { ProxyHostEnv } from '../../actors/proxy/proxy-host.js';
import type { ActorRuntime } from '../../actors/runtime/actor-runtime.js';
import { DeviceDialer } from '../../data-plane/device-dialer.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { ProxySettings } from '../../domain/proxy/proxy-settings.js';
import { decodeProxySettings } from '../../domain/proxy/proxy-settings.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A tcp profile named web from `sourcePort` to a closed loopback port, as an admin would send it. */
export function proxySettings(sourcePort: number, enabled = true): ProxySettings {
  const decoded = decodeProxySettings({ name: 'web', protocol: 'tcp', enabled, sourcePort, target: { type: 'host', address: '127.0.0.1', port: 9 } });
  if (isLeft(decoded)) throw decoded.left;
  const { id: _id, ...rest } = decoded.right;
  return rest;
}

/** What the proxies of node-1 need, on `runtime` and `clock`. */
export function proxyEnv(runtime: ActorRuntime, clock: Clock): ProxyHostEnv {
  const forward = { runtime, clock, logger: quiet, progressIntervalMs: 5000 };
  const dialer = new DeviceDialer({ connectionOf: () => undefined }, quiet);
  return { forward, dialer, plugins: new Map(), nodeId: 'node-1', clock, logger: quiet };
}
