import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { deviceRegistrationsOption, gatewayConnectionsOption, gatewayHellosOption, limitsConfigOf, relayRegistrationsOption } from '../../bin/limit-options.js';
import type { LimitOptions } from '../../bin/limit-options.js';

function command(): Command {
  const serve = new Command('serve').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  for (const option of [gatewayConnectionsOption(), gatewayHellosOption(), deviceRegistrationsOption(), relayRegistrationsOption()]) serve.addOption(option);
  return serve;
}

function parsed(args: readonly string[]): LimitOptions {
  const serve = command();
  serve.parse(['node', 'serve', ...args]);
  return serve.opts<LimitOptions>();
}

describe('tether serve limits per address', () => {
  it("turns flags into the hub's limits, leaving the others to its defaults", () => {
    const flags = ['--gateway-connections-per-ip', '50', '--gateway-hellos-per-ip', '20', '--device-registrations-per-ip', '10', '--relay-registrations-per-ip', '3'];
    expect(limitsConfigOf(parsed(flags))).toEqual({
      gatewayLimits: { connectionsPerIp: 50, hellosPerSecondPerIp: 20, registrationsPerHourPerIp: 10 },
      relayRegistrationsPerHourPerIp: 3,
    });
    expect(limitsConfigOf(parsed([]))).toEqual({ gatewayLimits: {} });
  });

  it('refuses a limit that is not a whole number of at least 1', () => {
    expect(() => parsed(['--gateway-hellos-per-ip', '0'])).toThrow(/at least 1/);
    expect(() => parsed(['--relay-registrations-per-ip', 'many'])).toThrow(/at least 1/);
  });

  it('is described in --help with its default', () => {
    const help = command().helpInformation();
    expect(help).toMatch(/--gateway-connections-per-ip <n>[\s\S]*default: 1000/);
    expect(help).toMatch(/--gateway-hellos-per-ip <n>[\s\S]*default: 100\)/);
    expect(help).toMatch(/--device-registrations-per-ip <n>/);
    expect(help).toMatch(/--relay-registrations-per-ip <n>[\s\S]*default: 10\)/);
  });
});
