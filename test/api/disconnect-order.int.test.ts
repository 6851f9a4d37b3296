// The audit trail shows a cause before its effects: a device that goes away is recorded as
// disconnected before the links its going ends are recorded as closed (checked by position).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedEvent } from './gateway-client.js';
import { startLinkedHub, tunnelIdOf } from './linked-hub.js';
import type { LinkedHub } from './linked-hub.js';

describe('a device that goes away with links open', () => {
  let t: LinkedHub;

  beforeAll(async () => {
    t = await startLinkedHub();
  });
  afterAll(async () => {
    await t.close();
  });

  it('is recorded as disconnected before its links are recorded as closed', async () => {
    const opened = await Promise.all([t.openLink({ protocol: 'tcp', devicePort: 22 }), t.openLink({ protocol: 'tcp', devicePort: 23 })]);
    const tunnels = opened.map(({ status, body }) => {
      expect(status, JSON.stringify(body)).toBe(201);
      return tunnelIdOf(body.token);
    });
    await t.agent.stop();
    for (const tunnel of tunnels) await storedEvent(t.hub.store, `tunnel-${tunnel}`, (event) => event.type === 'TunnelClosed');
    const events = await t.hub.store.readAll();
    const disconnected = events.find((event) => event.type === 'DeviceDisconnected');
    const closed = events.filter((event) => event.type === 'TunnelClosed');
    expect(closed.map((event) => event.data['terminationCause'] ?? event.data['cause'])).toEqual(['device-offline', 'device-offline']);
    for (const event of closed) expect(event.position).toBeGreaterThan(disconnected?.position ?? Infinity);
  });
});
