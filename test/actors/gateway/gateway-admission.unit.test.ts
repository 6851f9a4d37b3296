// The per-address limits of the gateway and of relay registrations: fixed windows on the
// injected clock, a count of what is open, refusals counted per limit.
import { describe, expect, it } from 'vitest';
import { GatewayAdmission } from '../../../actors/gateway/gateway-admission.js';
import { RateWindows } from '../../../actors/gateway/rate-window.js';
import { ManualClock } from '../../support/manual-clock.js';

describe('RateWindows', () => {
  it('allows the limit per key and window, then refuses until the window ends', () => {
    const clock = new ManualClock();
    const windows = new RateWindows(clock, { limit: 2, windowMs: 1000 });
    expect([windows.take('a'), windows.take('a'), windows.take('a'), windows.take('b')]).toEqual([true, true, false, true]);
    clock.advance(999);
    expect(windows.take('a')).toBe(false);
    clock.advance(1);
    expect(windows.take('a')).toBe(true);
  });

  it('gives back one taken for an action that then failed', () => {
    const windows = new RateWindows(new ManualClock(), { limit: 1, windowMs: 1000 });
    expect(windows.take('a')).toBe(true);
    windows.release('a');
    expect(windows.take('a')).toBe(true);
    expect(windows.take('a')).toBe(false);
  });
});

describe('GatewayAdmission', () => {
  it('counts the open connections of each address, and the refusals of each limit', () => {
    const clock = new ManualClock();
    const admission = new GatewayAdmission(clock, { connectionsPerIp: 1, hellosPerSecondPerIp: 1, registrationsPerHourPerIp: 1 });
    expect([admission.connect('192.0.2.1'), admission.connect('192.0.2.1'), admission.connect('192.0.2.2')]).toEqual([true, false, true]);
    admission.disconnected('192.0.2.1');
    expect(admission.connect('192.0.2.1')).toBe(true);
    expect([admission.hello('192.0.2.1'), admission.hello('192.0.2.1')]).toEqual([true, false]);
    expect([admission.register('192.0.2.1'), admission.register('192.0.2.1')]).toEqual([true, false]);
    clock.advance(1000);
    expect([admission.hello('192.0.2.1'), admission.register('192.0.2.1')]).toEqual([true, false]);
    expect([admission.refused('connections_per_ip'), admission.refused('hellos_per_ip'), admission.refused('registrations_per_ip')]).toEqual([1, 1, 2]);
  });

  it('gives back a registration whose hello stored nothing, without counting a refusal', () => {
    const admission = new GatewayAdmission(new ManualClock(), { connectionsPerIp: 1, hellosPerSecondPerIp: 1, registrationsPerHourPerIp: 1 });
    expect(admission.register('192.0.2.1')).toBe(true);
    admission.releaseRegistration('192.0.2.1');
    expect([admission.register('192.0.2.1'), admission.register('192.0.2.1')]).toEqual([true, false]);
    expect(admission.refused('registrations_per_ip')).toBe(1);
  });
});
