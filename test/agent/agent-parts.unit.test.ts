import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { agentCommand } from '../../agent/agent-command.js';
import { backoffDelay } from '../../agent/backoff.js';
import { collectApp, collectCategory } from '../../agent/cli-options.js';
import { gatewayUrl } from '../../agent/gateway-url.js';
import { readState, writeState } from '../../agent/state-file.js';

describe('reconnect backoff', () => {
  const options = { baseMs: 1000, maxMs: 30_000 };

  it('doubles per attempt with jitter between half and all of the step', () => {
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, { ...options, random: () => 0 }))).toEqual([500, 1000, 2000, 4000]);
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, { ...options, random: () => 0.999999 }))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('never waits longer than 30 s, however many attempts failed', () => {
    for (const attempt of [5, 6, 10, 100, 10_000]) {
      expect(backoffDelay(attempt, { ...options, random: () => 0.999999 })).toBeLessThanOrEqual(30_000);
      expect(backoffDelay(attempt, { ...options, random: () => 0 })).toBe(15_000);
    }
  });
});

describe('gateway URL', () => {
  it.each([
    ['http://hub:8080', 'ws://hub:8080/gateway'],
    ['https://hub.example', 'wss://hub.example/gateway'],
    ['https://hub.example/tether/', 'wss://hub.example/tether/gateway'],
    ['wss://hub.example/gateway', 'wss://hub.example/gateway'],
  ])('connects %s at %s', (hub, url) => {
    expect(gatewayUrl(hub)).toBe(url);
  });

  it('refuses what it cannot dial', () => {
    expect(() => gatewayUrl('ftp://hub')).toThrow(/http:\/\/, https:\/\//);
    expect(() => gatewayUrl('hub:8080x')).toThrow();
  });
});

describe('agent state file', () => {
  it('is written whole with mode 0600, and reads back; a missing file is an empty state', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tether-state-'));
    const file = path.join(dir, 'state.json');
    try {
      expect(readState(file)).toEqual({});
      writeState(file, { password: 'p1' });
      writeState(file, { password: 'p2' });
      expect(readState(file)).toEqual({ password: 'p2' });
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.readdirSync(dir)).toEqual(['state.json']);
      fs.writeFileSync(file, '{"password":7}');
      expect(() => readState(file)).toThrow(/password must be a string/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('agent command line', () => {
  it('collects apps as NAME@VERSION and categories, repeatable', () => {
    expect(collectApp('@acme/app@1.2', collectApp('devices@13r1'))).toEqual([
      { name: 'devices', version: '13r1' },
      { name: '@acme/app', version: '1.2' },
    ]);
    expect(() => collectApp('devices')).toThrow(/NAME@VERSION/);
    expect(() => collectApp('devices@')).toThrow(/NAME@VERSION/);
    expect(collectCategory('lab', ['phones'])).toEqual(['phones', 'lab']);
  });

  it('is the agent subcommand and refuses a malformed MAC naming the accepted forms', () => {
    const program = new Command('tether').exitOverride();
    const command = agentCommand(program).exitOverride().configureOutput({ writeErr: () => undefined });
    expect(program.commands).toContain(command);
    expect(() => program.parse(['agent', '--hub', 'http://127.0.0.1:1', '--mac', '00:11:22'], { from: 'user' })).toThrow(
      /00-11-22-AA-BB-CC/,
    );
    expect(command.options.map((option) => option.long)).toEqual([
      '--hub',
      '--mac',
      '--code',
      '--state',
      '--model',
      '--firmware',
      '--category',
      '--app',
      '--software',
      '--on-password',
      '--ca',
      '--allow',
      '--on-update',
      '--on-backup',
      '--on-restore',
      '--config',
      '--service-endpoint',
    ]);
  });
});
