import { Command, InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { agentCommand } from '../../agent/agent-command.js';
import { defaultAllowList, formatAllowRule, isAllowed, parseAllowRule, refusalMessage } from '../../agent/allow-list.js';
import { collectAllow } from '../../agent/cli-options.js';

describe('--allow rules', () => {
  it.each([
    ['127.0.0.1:*', { host: '127.0.0.1', ports: '*' }],
    ['*:22', { host: '*', ports: [{ from: 22, to: 22 }] }],
    ['Device.Example.COM:22,80,8000-8099', { host: 'device.example.com', ports: [{ from: 22, to: 22 }, { from: 80, to: 80 }, { from: 8000, to: 8099 }] }],
    ['[::1]:1-65535', { host: '::1', ports: [{ from: 1, to: 65535 }] }],
    ['[2001:DB8:0:0:0:0:0:1]:443', { host: '2001:db8::1', ports: [{ from: 443, to: 443 }] }],
    ['[::ffff:10.0.0.1]:*', { host: '10.0.0.1', ports: '*' }],
    ['localhost:5000', { host: 'localhost', ports: [{ from: 5000, to: 5000 }] }],
  ])('parses %s', (text, rule) => {
    expect(parseAllowRule(text)).toEqual(rule);
  });

  it.each([
    ['127.0.0.1', /expected HOST:PORTS/],
    ['127.0.0.1:', /expected ports after the colon/],
    ['::1:22', /IPv6 address in brackets/],
    ['[::1]22', /expected \[IPv6\]:PORTS/],
    ['[example.com]:22', /in brackets is not an IPv6 address/],
    ['bad_host:22', /"bad_host" is not an IP address, a host name or \*/],
    ['10.0.0.256:22', /is not an IP address/],
    [':22', /"" is not an IP address/],
    ['127.0.0.1:0', /"0" is not a port \(1 to 65535\)/],
    ['127.0.0.1:65536', /"65536" is not a port/],
    ['127.0.0.1:22,', /"" is not a port/],
    ['127.0.0.1:x', /"x" is not a port/],
    ['127.0.0.1:90-80', /the range 90-80 ends before it starts/],
    ['127.0.0.1:1-2-3', /"1-2-3" is not a port or a range/],
    ['127.0.0.1:*,22', /"\*" is not a port/],
  ])('refuses %s, saying why', (text, why) => {
    expect(() => parseAllowRule(text)).toThrow(why);
  });

  it('matches canonical addresses and lower-case names, port by port', () => {
    const rules = [parseAllowRule('127.0.0.1:*'), parseAllowRule('[2001:db8::1]:22,8000-8099'), parseAllowRule('Printer.Lan:631')];
    expect(isAllowed(rules, { host: '127.0.0.1', port: 5 })).toBe(true);
    expect(isAllowed(rules, { host: '::ffff:127.0.0.1', port: 65535 })).toBe(true);
    expect(isAllowed(rules, { host: '127.0.0.2', port: 5 })).toBe(false);
    expect(isAllowed(rules, { host: '2001:DB8:0::1', port: 8099 })).toBe(true);
    expect(isAllowed(rules, { host: '2001:db8::1', port: 8100 })).toBe(false);
    expect(isAllowed(rules, { host: '2001:db8::1', port: 21 })).toBe(false);
    expect(isAllowed(rules, { host: 'PRINTER.lan', port: 631 })).toBe(true);
    expect(isAllowed(rules, { host: 'printer.lan', port: 632 })).toBe(false);
    // Names are never resolved: localhost is not 127.0.0.1 to the allow list.
    expect(isAllowed(rules, { host: 'localhost', port: 22 })).toBe(false);
    expect(isAllowed([parseAllowRule('*:*')], { host: '192.168.1.9', port: 1 })).toBe(true);
    expect(isAllowed([parseAllowRule('*:22')], { host: 'anything.example', port: 23 })).toBe(false);
    expect(isAllowed([], { host: '127.0.0.1', port: 22 })).toBe(false);
  });

  it('allows 127.0.0.1 on any port by default and explains a refusal', () => {
    expect(defaultAllowList.map(formatAllowRule)).toEqual(['127.0.0.1:*']);
    expect(refusalMessage(defaultAllowList, { host: '192.168.1.9', port: 22 })).toBe(
      '192.168.1.9:22 is not allowed by --allow (allowed: 127.0.0.1:*)',
    );
    const rules = [parseAllowRule('[::1]:22,80-90'), parseAllowRule('*:7')];
    expect(refusalMessage(rules, { host: '2001:db8::1', port: 22 })).toBe(
      '[2001:db8::1]:22 is not allowed by --allow (allowed: [::1]:22,80-90, *:7)',
    );
  });
});

describe('tether agent --allow', () => {
  const parse = (...args: string[]): Command => {
    const program = new Command('tether').exitOverride();
    agentCommand(program).exitOverride().configureOutput({ writeErr: () => undefined }).action(() => undefined);
    return program.parse(['agent', '--hub', 'http://127.0.0.1:1', '--mac', '001122aabbcc', ...args], { from: 'user' });
  };

  it('is repeatable and collects parsed rules', () => {
    const program = parse('--allow', '127.0.0.1:22', '--allow', '[::1]:*');
    expect(program.commands[0]?.opts()).toMatchObject({
      allow: [
        { host: '127.0.0.1', ports: [{ from: 22, to: 22 }] },
        { host: '::1', ports: '*' },
      ],
    });
    expect(parse().commands[0]?.opts()).not.toHaveProperty('allow');
  });

  it('refuses a bad value as an invalid argument naming the rule', () => {
    expect(() => collectAllow('127.0.0.1:99999')).toThrow(InvalidArgumentError);
    expect(() => parse('--allow', '127.0.0.1:99999')).toThrow(/option '--allow <host:ports>' argument '127.0.0.1:99999' is invalid\. --allow "127.0.0.1:99999": "99999" is not a port/);
  });

  it('is described in --help', () => {
    const help = agentCommand().helpInformation();
    expect(help).toContain('--allow <host:ports>');
    expect(help).toContain('(default: 127.0.0.1:*)');
  });
});
