// Sessions of proxies and protocol applications keep the DeviceLink record's discipline:
// totals never decrease, the final totals add up, a closed session takes nothing more.
import { describe, it } from 'vitest';
import { parseMac } from '../../domain/device/mac.js';
import { forwardAggregate } from '../../domain/forward-session/aggregate.js';
import type { ForwardEvent } from '../../domain/forward-session/events.js';
import { given } from '../support/given-when-then.js';

const sessionId = '7d0a3c1e-2b4f-4c8e-9a1d-0f6e5b4c3a21';
const s1 = '00000000-0000-4000-8000-000000000001';
const t0 = '2026-01-01T00:00:00.000Z';
const fields = {
  sessionId,
  kind: 'proxy' as const,
  sourceId: 'web',
  mode: 'tcp-over-device' as const,
  transport: 'tcp' as const,
  target: { host: '127.0.0.1', port: 80 },
  relay: 'hub',
  device: parseMac('00:11:22:AA:BB:CC'),
  tenantId: 'acme',
  port: 5000,
};
const opened: ForwardEvent = { type: 'ForwardOpened', data: { ...fields, requestedBy: { id: 'admin-1', role: 'admin' }, createdTime: t0 } };
const attached: ForwardEvent = { type: 'ForwardStreamAttached', data: { streamId: s1, clientHost: '203.0.113.9', clientPort: 50000 } };

describe('forwarded session decisions', () => {
  it('opens with its first client attached, the client host canonical', () => {
    given(forwardAggregate, [])
      .when({ type: 'OpenForward', ...fields, firstClient: { streamId: s1, clientHost: '::ffff:203.0.113.9', clientPort: 50000 } })
      .then([opened, attached]);
  });

  it('refuses a session that names no valid target', () => {
    given(forwardAggregate, []).when({ type: 'OpenForward', ...fields, target: { host: 'not a host', port: 80 } }).thenFails('validation_failed');
  });

  it('records totals that never decrease, and closes with totals that add up', () => {
    const traffic: ForwardEvent = { type: 'ForwardTrafficRecorded', data: { bytesToTarget: 10, bytesFromTarget: 20 } };
    given(forwardAggregate, [opened, attached, traffic]).when({ type: 'RecordForwardTraffic', bytesToTarget: 9, bytesFromTarget: 30 }).thenFails('validation_failed');
    given(forwardAggregate, [opened, attached, traffic]).when({ type: 'CloseForward', cause: 'deleted', bytesToTarget: 10, bytesFromTarget: 25 }).then([
      { type: 'ForwardClosed', data: { cause: 'deleted', endTime: t0, bytesToTarget: 10, bytesFromTarget: 25, bytesTransferred: 35 } },
    ]);
  });

  it('keeps closed streams in the floor', () => {
    const closedStream: ForwardEvent = { type: 'ForwardStreamClosed', data: { streamId: s1, cause: 'client-closed', bytesToTarget: 7, bytesFromTarget: 8 } };
    given(forwardAggregate, [opened, attached, closedStream]).when({ type: 'CloseForward', cause: 'deleted', bytesToTarget: 6, bytesFromTarget: 8 }).thenFails('validation_failed');
    given(forwardAggregate, [opened, attached, closedStream]).when({ type: 'CloseForwardStream', streamId: s1, cause: 'error', bytesToTarget: 7, bytesFromTarget: 8 }).then([]);
  });

  it('takes nothing after its end', () => {
    const closed: ForwardEvent = { type: 'ForwardClosed', data: { cause: 'hub-shutdown', endTime: t0, bytesToTarget: 0, bytesFromTarget: 0, bytesTransferred: 0 } };
    given(forwardAggregate, [opened, closed]).when({ type: 'AttachForwardStream', streamId: s1, clientHost: '203.0.113.9', clientPort: 1 }).thenFails('transition_forbidden');
  });
});
