// Proxies and protocol applications reach a device through the dialer: nothing goes to a
// connection that did not prove the device password (issue 14, point 1), whether or not the
// caller names a tenant.
import { describe, expect, it } from 'vitest';
import type { ControlConnection } from '../../data-plane/control-connection.js';
import { DeviceDialer } from '../../data-plane/device-dialer.js';
import { parseMac } from '../../domain/device/mac.js';
import type { HubMessage } from '../../domain/gateway/hub-messages.js';

const mac = parseMac('02:00:00:00:10:00');
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

function dialerOver(tenantId: string | undefined): { dialer: DeviceDialer; sent: HubMessage[] } {
  const sent: HubMessage[] = [];
  const link: ControlConnection = { connectionId: 'c1', ip: '127.0.0.1', open: true, send: (message) => sent.push(message), close: () => undefined };
  return { dialer: new DeviceDialer({ connectionOf: () => ({ link, tenantId }) }, silent, 50), sent };
}

describe('the device dialer', () => {
  it.each([
    ['no tenant', undefined],
    ['its tenant', 'acme'],
  ])('refuses a TCP stream over an unproved connection when the caller names %s', async (_, tenant) => {
    const { dialer, sent } = dialerOver(undefined);
    await expect(dialer.dialTcp(mac, { host: '127.0.0.1', port: 22 }, tenant === undefined ? {} : { tenantId: tenant })).rejects.toMatchObject({ code: 'device_unauthenticated' });
    expect(sent).toEqual([]);
  });

  it('refuses a UDP stream over an unproved connection', async () => {
    const { dialer, sent } = dialerOver(undefined);
    const opening = async (): Promise<unknown> => dialer.openUdp(mac, { host: '127.0.0.1', port: 53 }, { datagram: () => undefined, closed: () => undefined });
    await expect(opening()).rejects.toMatchObject({ code: 'device_unauthenticated' });
    expect(sent).toEqual([]);
  });

  it('opens over a proved connection', () => {
    const { dialer, sent } = dialerOver('acme');
    void dialer.dialTcp(mac, { host: '127.0.0.1', port: 22 }).catch(() => undefined);
    expect(sent.map((message) => message.type)).toEqual(['open-stream']);
  });
});
