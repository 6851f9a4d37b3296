import { isRight } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { DecisionContext } from '../../domain/aggregate.js';
import { parseMac } from '../../domain/device/mac.js';
import { admissionOf, maxRecordedRefusals } from '../../domain/tunnel/admission.js';
import { tunnelAggregate } from '../../domain/tunnel/aggregate.js';
import type { TunnelCommand } from '../../domain/tunnel/commands.js';
import { TunnelEvent } from '../../domain/tunnel/events.js';
import type { TunnelOpened } from '../../domain/tunnel/events.js';
import { tunnelMachine } from '../../domain/tunnel/machine.js';
import { sessionRecord } from '../../domain/tunnel/session-record.js';
import { given, stateAfter } from '../support/given-when-then.js';

const tunnelId = '7d0a3c1e-2b4f-4c8e-9a1d-0f6e5b4c3a21';
const s1 = '00000000-0000-4000-8000-000000000001';
const s2 = '00000000-0000-4000-8000-000000000002';
const device = parseMac('00:11:22:AA:BB:CC');
const tokenHash = 'ab'.repeat(32);
const t0 = '2026-01-01T00:00:00.000Z';
const t1 = '2026-01-01T01:00:00.000Z';
const admin: DecisionContext['principal'] = { id: 'admin-1', role: 'admin' };

type OpenTunnel = Extract<TunnelCommand, { type: 'OpenTunnel' }>;
const open = (overrides: Partial<OpenTunnel> = {}): OpenTunnel => ({
  type: 'OpenTunnel',
  tunnelId,
  device,
  tenantId: 'acme',
  protocol: 'tcp',
  devicePort: 22,
  encrypted: true,
  port: 40001,
  host: '0.0.0.0',
  relay: 'hub',
  userIP: '203.0.113.9',
  tokenHash,
  ...overrides,
});

const opened = (overrides: Partial<TunnelOpened['data']> = {}): TunnelEvent => ({
  type: 'TunnelOpened',
  data: {
    tunnelId,
    device,
    tenantId: 'acme',
    protocol: 'tcp',
    devicePort: 22,
    encrypted: true,
    port: 40001,
    host: '0.0.0.0',
    relay: 'hub',
    tokenHash,
    requestedBy: { id: 'admin-1', role: 'admin' },
    createdTime: t0,
    userIP: '203.0.113.9',
    ...overrides,
  },
});
const udpOpened = (overrides: Partial<TunnelOpened['data']> = {}): TunnelEvent => opened({ protocol: 'udp', devicePort: 161, timeout: 30_000, ...overrides });
const attached = (streamId: string, clientHost: string, clientPort: number, pinned: boolean): TunnelEvent => ({
  type: 'TunnelClientAttached',
  data: { streamId, clientHost, clientPort, pinned },
});
const refused = (clientHost: string, clientPort: number): TunnelEvent => ({
  type: 'TunnelClientRefused',
  data: { clientHost, clientPort, reason: 'not-the-pinned-client' },
});
const streamOpened = (streamId: string, agentIP = '192.0.2.50'): TunnelEvent => ({ type: 'TunnelStreamOpened', data: { streamId, agentIP } });
const streamClosed = (streamId: string, bytesToDevice: number, bytesFromDevice: number): TunnelEvent => ({
  type: 'TunnelStreamClosed',
  data: { streamId, cause: 'client-closed', bytesToDevice, bytesFromDevice },
});
const traffic = (bytesToDevice: number, bytesFromDevice: number): TunnelEvent => ({ type: 'TunnelTrafficRecorded', data: { bytesToDevice, bytesFromDevice } });
const attach = (streamId: string, clientHost: string, clientPort: number): TunnelCommand => ({ type: 'AttachClient', streamId, clientHost, clientPort });

/** The runtime applies decided events only when the machine accepts them; so do these tests. */
function after(history: readonly TunnelEvent[], command: TunnelCommand, now = t0) {
  const decided = tunnelAggregate.decide(stateAfter(tunnelMachine, history), command, { now: new Date(now), principal: admin });
  return stateAfter(tunnelMachine, [...history, ...decided]);
}

describe('tunnel decider: opening', () => {
  it('opens a link, recording who asked, from where and when, and never a secret', () => {
    given(tunnelAggregate, []).when(open()).then([opened()]);
    const event = tunnelAggregate.decide(stateAfter(tunnelMachine, []), open(), { now: new Date(t0), principal: admin })[0];
    expect(JSON.stringify(event)).not.toMatch(/key|initializationVector|secret/i);
    expect(isRight(TunnelEvent.decode(event))).toBe(true);
  });

  it('keeps an IP source as its canonical address, and a host name with the addresses it resolved to', () => {
    given(tunnelAggregate, [])
      .when(open({ source: { host: '::ffff:198.51.100.7', port: 5000 } }))
      .then([opened({ source: { host: '::ffff:198.51.100.7', port: 5000 }, sourceAddresses: ['198.51.100.7'] })]);
    given(tunnelAggregate, [])
      .when(open({ source: { host: 'client.example.com', port: 5000 }, sourceAddresses: ['198.51.100.7', '2001:DB8::7'] }))
      .then([opened({ source: { host: 'client.example.com', port: 5000 }, sourceAddresses: ['198.51.100.7', '2001:db8::7'] })]);
  });

  it('requires the resolved addresses of a source host name', () => {
    given(tunnelAggregate, []).when(open({ source: { host: 'client.example.com', port: 5000 } })).thenFails('validation_failed');
    given(tunnelAggregate, [])
      .when(open({ source: { host: 'client.example.com', port: 5000 }, sourceAddresses: ['not-an-ip'] }))
      .thenFails('validation_failed');
  });

  it('refuses bad fields, naming each', () => {
    const bad: Partial<OpenTunnel>[] = [
      { tunnelId: 'nope' },
      { tenantId: '' },
      { devicePort: 0 },
      { port: 70000 },
      { tokenHash: 'plain-secret' },
      { timeout: 1000 },
      { protocol: 'udp', timeout: 0 },
      { relay: '' },
      { sourceAddresses: ['10.0.0.1'] },
    ];
    for (const overrides of bad) given(tunnelAggregate, []).when(open(overrides)).thenFails('validation_failed');
    expect(() =>
      tunnelAggregate.decide(stateAfter(tunnelMachine, []), open({ devicePort: 0, tokenHash: '' }), { now: new Date(t0), principal: admin }),
    ).toThrow(expect.objectContaining({ code: 'validation_failed', details: ['devicePort', 'tokenHash'] }));
  });

  it('refuses to open a link twice', () => {
    given(tunnelAggregate, [opened()]).when(open()).thenFails('already_exists');
  });

  it('answers not_found for any other command before the link exists', () => {
    given(tunnelAggregate, []).when(attach(s1, '203.0.113.9', 50000)).thenFails('not_found');
    given(tunnelAggregate, []).when({ type: 'CloseTunnel', cause: 'deleted', bytesToDevice: 0, bytesFromDevice: 0 }).thenFails('not_found');
  });
});

describe('tunnel decider: source pinning', () => {
  it('lets the first TCP client inherit the link, pinning its host only', () => {
    given(tunnelAggregate, [opened()]).when(attach(s1, '::ffff:203.0.113.9', 50000)).then([attached(s1, '203.0.113.9', 50000, true)]);
    given(tunnelAggregate, [opened(), attached(s1, '203.0.113.9', 50000, true)])
      .when(attach(s2, '203.0.113.9', 50001))
      .then([attached(s2, '203.0.113.9', 50001, false)]);
  });

  it('refuses a TCP client from another host, and records each refused host once', () => {
    const pinned = [opened(), attached(s1, '203.0.113.9', 50000, true)];
    given(tunnelAggregate, pinned).when(attach(s2, '203.0.113.10', 50000)).then([refused('203.0.113.10', 50000)]);
    given(tunnelAggregate, [...pinned, refused('203.0.113.10', 50000)]).when(attach(s2, '203.0.113.10', 50001)).then([]);
  });

  it('pins a UDP link to the first client host and port', () => {
    const pinned = [udpOpened(), attached(s1, '203.0.113.9', 50000, true)];
    given(tunnelAggregate, pinned).when(attach(s2, '203.0.113.9', 50001)).then([refused('203.0.113.9', 50001)]);
    given(tunnelAggregate, [...pinned, refused('203.0.113.9', 50001)]).when(attach(s2, '203.0.113.9', 50002)).then([refused('203.0.113.9', 50002)]);
  });

  it('with a source, admits only that host and port, for TCP too', () => {
    const withSource = [opened({ source: { host: '198.51.100.7', port: 5000 }, sourceAddresses: ['198.51.100.7'] })];
    given(tunnelAggregate, withSource).when(attach(s1, '198.51.100.7', 5000)).then([attached(s1, '198.51.100.7', 5000, false)]);
    given(tunnelAggregate, withSource).when(attach(s1, '198.51.100.7', 5001)).then([refused('198.51.100.7', 5001)]);
    given(tunnelAggregate, withSource).when(attach(s1, '198.51.100.8', 5000)).then([refused('198.51.100.8', 5000)]);
  });

  it('with a host-name source, admits any address it resolved to at open', () => {
    const withName = [
      opened({ source: { host: 'client.example.com', port: 5000 }, sourceAddresses: ['198.51.100.7', '2001:db8::7'] }),
    ];
    given(tunnelAggregate, withName).when(attach(s1, '2001:DB8:0::7', 5000)).then([attached(s1, '2001:db8::7', 5000, false)]);
    given(tunnelAggregate, withName).when(attach(s1, '198.51.100.9', 5000)).then([refused('198.51.100.9', 5000)]);
  });

  it('stops recording refusals after the bound, still refusing', () => {
    const history: TunnelEvent[] = [opened(), attached(s1, '203.0.113.9', 50000, true)];
    for (let i = 0; i < maxRecordedRefusals; i += 1) history.push(refused(`10.0.0.${i + 1}`, 40000));
    const state = stateAfter(tunnelMachine, history);
    expect(admissionOf(state.context, { host: '10.0.1.1', port: 1 })).toEqual({ verdict: 'refuse', recorded: false });
    given(tunnelAggregate, history).when(attach(s2, '10.0.1.1', 1)).then([]);
  });

  it('carries one live stream on a UDP link', () => {
    given(tunnelAggregate, [udpOpened(), attached(s1, '203.0.113.9', 50000, true)]).when(attach(s2, '203.0.113.9', 50000)).thenFails('transition_forbidden');
  });

  it('refuses a malformed client or stream id, and a stream id in use', () => {
    given(tunnelAggregate, [opened()]).when(attach('s1', '203.0.113.9', 50000)).thenFails('validation_failed');
    given(tunnelAggregate, [opened()]).when(attach(s1, 'client.example.com', 50000)).thenFails('validation_failed');
    given(tunnelAggregate, [opened()]).when(attach(s1, '203.0.113.9', 0)).thenFails('validation_failed');
    given(tunnelAggregate, [opened(), attached(s1, '203.0.113.9', 50000, true)]).when(attach(s1, '203.0.113.9', 50001)).thenFails('already_exists');
  });
});

describe('tunnel decider: streams and traffic', () => {
  const live = [opened(), attached(s1, '203.0.113.9', 50000, true)];

  it('opens an attached stream once', () => {
    given(tunnelAggregate, live).when({ type: 'OpenStream', streamId: s1, agentIP: '::ffff:192.0.2.50' }).then([streamOpened(s1)]);
    given(tunnelAggregate, [...live, streamOpened(s1)]).when({ type: 'OpenStream', streamId: s1 }).then([]);
    given(tunnelAggregate, live).when({ type: 'OpenStream', streamId: s2 }).thenFails('transition_forbidden');
  });

  it('records the device address with the attach (a TCP stream opens there), and with the close whether the device was reached', () => {
    const withDevice = (agentIP: string): TunnelCommand => ({ type: 'AttachClient', streamId: s2, clientHost: '203.0.113.9', clientPort: 50001, agentIP });
    given(tunnelAggregate, live)
      .when(withDevice('::ffff:192.0.2.50'))
      .then([{ type: 'TunnelClientAttached', data: { streamId: s2, clientHost: '203.0.113.9', clientPort: 50001, pinned: false, agentIP: '192.0.2.50' } }]);
    given(tunnelAggregate, live).when(withDevice('')).thenFails('validation_failed');
    expect(after(live, withDevice('192.0.2.50')).context.agentIP).toBe('192.0.2.50');
    const close: TunnelCommand = { type: 'CloseStream', streamId: s1, cause: 'client-closed', bytesToDevice: 0, bytesFromDevice: 0, reachedDevice: false };
    given(tunnelAggregate, live)
      .when(close)
      .then([{ type: 'TunnelStreamClosed', data: { streamId: s1, cause: 'client-closed', bytesToDevice: 0, bytesFromDevice: 0, reachedDevice: false } }]);
  });

  it('closes a live stream with its counts, and nothing twice', () => {
    const command: TunnelCommand = { type: 'CloseStream', streamId: s1, cause: 'client-closed', bytesToDevice: 10, bytesFromDevice: 20 };
    given(tunnelAggregate, [...live, streamOpened(s1)]).when(command).then([streamClosed(s1, 10, 20)]);
    given(tunnelAggregate, [...live, streamOpened(s1), streamClosed(s1, 10, 20)]).when(command).then([]);
    given(tunnelAggregate, live).when({ ...command, bytesToDevice: -1 }).thenFails('validation_failed');
  });

  it('records growing totals, nothing for unchanged ones, and refuses shrinking ones', () => {
    given(tunnelAggregate, live).when({ type: 'RecordTraffic', bytesToDevice: 100, bytesFromDevice: 5 }).then([traffic(100, 5)]);
    given(tunnelAggregate, [...live, traffic(100, 5)]).when({ type: 'RecordTraffic', bytesToDevice: 100, bytesFromDevice: 5 }).then([]);
    given(tunnelAggregate, [...live, traffic(100, 5)]).when({ type: 'RecordTraffic', bytesToDevice: 99, bytesFromDevice: 500 }).thenFails('validation_failed');
    given(tunnelAggregate, [...live, traffic(100, 5)]).when({ type: 'RecordTraffic', bytesToDevice: 1.5, bytesFromDevice: 500 }).thenFails('validation_failed');
  });

  it('refuses totals below what the closed streams carried', () => {
    given(tunnelAggregate, [...live, streamClosed(s1, 10, 20)]).when({ type: 'RecordTraffic', bytesToDevice: 10, bytesFromDevice: 19 }).thenFails('validation_failed');
  });
});

describe('tunnel decider: closing', () => {
  const busy = [opened(), attached(s1, '203.0.113.9', 50000, true), streamOpened(s1), traffic(1000, 2000)];

  it('closes with final totals and their sum', () => {
    given(tunnelAggregate, busy)
      .when({ type: 'CloseTunnel', cause: 'deleted', bytesToDevice: 1024, bytesFromDevice: 2048 }, { now: new Date(t1) })
      .then([{ type: 'TunnelClosed', data: { cause: 'deleted', endTime: t1, bytesToDevice: 1024, bytesFromDevice: 2048, bytesTransferred: 3072 } }]);
  });

  it('refuses final totals below the recorded ones', () => {
    given(tunnelAggregate, busy).when({ type: 'CloseTunnel', cause: 'deleted', bytesToDevice: 999, bytesFromDevice: 2048 }).thenFails('validation_failed');
  });

  it('lets nothing happen once closed', () => {
    const closed = after(busy, { type: 'CloseTunnel', cause: 'idle-timeout', bytesToDevice: 1000, bytesFromDevice: 2000 });
    expect(closed.status).toBe('done');
    expect(closed.context.liveStreams).toEqual({});
    const history: TunnelEvent[] = [
      ...busy,
      { type: 'TunnelClosed', data: { cause: 'idle-timeout', endTime: t0, bytesToDevice: 1000, bytesFromDevice: 2000, bytesTransferred: 3000 } },
    ];
    const commands: TunnelCommand[] = [
      { type: 'CloseTunnel', cause: 'deleted', bytesToDevice: 1000, bytesFromDevice: 2000 },
      attach(s2, '203.0.113.9', 50001),
      { type: 'OpenStream', streamId: s1 },
      { type: 'CloseStream', streamId: s1, cause: 'client-closed', bytesToDevice: 0, bytesFromDevice: 0 },
      { type: 'RecordTraffic', bytesToDevice: 2000, bytesFromDevice: 2000 },
    ];
    for (const command of commands) given(tunnelAggregate, history).when(command).thenFails('transition_forbidden');
    expect(tunnelAggregate.keepResident?.(closed)).toBe(false);
    expect(tunnelAggregate.keepResident?.(stateAfter(tunnelMachine, busy))).toBe(true);
  });
});

describe('tunnel machine', () => {
  const live = [opened(), attached(s1, '203.0.113.9', 50000, true)];

  it('accepts no event before TunnelOpened and none after TunnelClosed', () => {
    expect(stateAfter(tunnelMachine, []).can(attached(s1, '203.0.113.9', 1, true))).toBe(false);
    const closed = stateAfter(tunnelMachine, [
      ...live,
      { type: 'TunnelClosed', data: { cause: 'deleted', endTime: t0, bytesToDevice: 0, bytesFromDevice: 0, bytesTransferred: 0 } },
    ]);
    for (const event of [opened(), attached(s2, '203.0.113.9', 2, false), traffic(1, 1), refused('10.0.0.1', 1)]) expect(closed.can(event)).toBe(false);
  });

  it('guards what decide guards: pinning, stream states, monotonic and summed totals', () => {
    const state = stateAfter(tunnelMachine, [...live, traffic(10, 10)]);
    expect(state.can(attached(s2, '203.0.113.10', 1, false))).toBe(false);
    expect(state.can(attached(s2, '203.0.113.9', 1, true))).toBe(false);
    expect(state.can(attached(s2, '203.0.113.9', 1, false))).toBe(true);
    expect(state.can(refused('203.0.113.9', 1))).toBe(false);
    expect(state.can(streamOpened(s2))).toBe(false);
    expect(state.can(streamClosed(s2, 0, 0))).toBe(false);
    expect(state.can(traffic(9, 10))).toBe(false);
    const close = (bytesTransferred: number): TunnelEvent => ({
      type: 'TunnelClosed',
      data: { cause: 'deleted', endTime: t0, bytesToDevice: 10, bytesFromDevice: 10, bytesTransferred },
    });
    expect(state.can(close(21))).toBe(false);
    expect(state.can(close(20))).toBe(true);
  });
});

describe('session record', () => {
  it('is undefined before the link exists', () => {
    expect(sessionRecord(stateAfter(tunnelMachine, []))).toBeUndefined();
  });

  it('holds the remote-session fields of an open and then a closed link', () => {
    const history: TunnelEvent[] = [
      opened(),
      attached(s1, '203.0.113.9', 50000, true),
      streamOpened(s1),
      streamClosed(s1, 300, 400),
      attached(s2, '203.0.113.9', 50001, false),
      streamOpened(s2, '192.0.2.51'),
      traffic(500, 600),
    ];
    expect(sessionRecord(stateAfter(tunnelMachine, history))).toEqual({
      id: tunnelId,
      state: 'open',
      device,
      tenantId: 'acme',
      relay: 'hub',
      protocol: 'tcp',
      devicePort: 22,
      port: 40001,
      encrypted: true,
      requestedBy: { id: 'admin-1', role: 'admin' },
      userIP: '203.0.113.9',
      clientIP: '203.0.113.9',
      agentIP: '192.0.2.51',
      createdTime: t0,
      bytesToDevice: 500,
      bytesFromDevice: 600,
      bytesTransferred: 1100,
      streams: 2,
      liveStreams: 1,
    });
    const closed = after(history, { type: 'CloseTunnel', cause: 'device-offline', bytesToDevice: 512, bytesFromDevice: 640 }, t1);
    expect(sessionRecord(closed)).toMatchObject({
      state: 'closed',
      endTime: t1,
      terminationCause: 'device-offline',
      bytesToDevice: 512,
      bytesFromDevice: 640,
      bytesTransferred: 1152,
      liveStreams: 0,
    });
  });

  it('counts closed streams even before the host records traffic', () => {
    const state = stateAfter(tunnelMachine, [opened(), attached(s1, '203.0.113.9', 50000, true), streamClosed(s1, 7, 9)]);
    expect(sessionRecord(state)).toMatchObject({ bytesToDevice: 7, bytesFromDevice: 9, bytesTransferred: 16 });
  });
});

describe('a TCP link with a lifetime (issue 14, point 8)', () => {
  it('records the lifetime and the deadline it gives', () => {
    given(tunnelAggregate, [])
      .when(open({ lifetime: 3_600_000 }))
      .then([opened({ lifetime: 3_600_000, expiresAt: t1 })]);
  });

  it('refuses a lifetime on a UDP link', () => {
    given(tunnelAggregate, []).when(open({ protocol: 'udp', lifetime: 1000 })).thenFails('validation_failed');
  });

  it('takes no client once past its deadline, timer or not', () => {
    const attach: TunnelCommand = { type: 'AttachClient', streamId: s1, clientHost: '203.0.113.9', clientPort: 5000 };
    given(tunnelAggregate, [opened({ lifetime: 3_600_000, expiresAt: t1 })])
      .when(attach, { now: new Date(t1) })
      .thenFails('transition_forbidden');
    given(tunnelAggregate, [opened({ lifetime: 3_600_000, expiresAt: t1 })])
      .when(attach, { now: new Date(t0) })
      .then([attached(s1, '203.0.113.9', 5000, true)]);
  });
});
