// A relay server in this process for integration tests, on 127.0.0.1 with a port range of its
// own, registered with a test hub.
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { systemClock } from '../../actors/runtime/system-clock.js';
import { startRelay } from '../../relay-server/relay.js';
import type { RelayHandle, RelayOptions } from '../../relay-server/relay.js';

export const quietLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export const relayToken = (): string => randomBytes(32).toString('base64url');

/** Starts a relay and waits until its control channel to the hub is open. */
export async function startTestRelay(hub: string, name: string, overrides: Partial<RelayOptions> = {}): Promise<RelayHandle> {
  const relay = await startRelay({
    hubs: [hub],
    name,
    token: relayToken(),
    host: '127.0.0.1',
    port: 0,
    bindAddress: '127.0.0.1',
    linkPorts: { from: 44000, to: 44999 },
    maxSessions: 10,
    clock: systemClock,
    logger: quietLogger,
    backoff: { baseMs: 20, maxMs: 200 },
    ...overrides,
  });
  await once(relay.events, 'channel-open', { signal: AbortSignal.timeout(10_000) });
  return relay;
}
