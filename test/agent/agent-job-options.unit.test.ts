import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { agentCommand } from '../../agent/agent-command.js';
import { readState, writeState } from '../../agent/state-file.js';

const parse = (...args: string[]): Command => {
  const program = new Command('tether').exitOverride();
  agentCommand(program).exitOverride().configureOutput({ writeErr: () => undefined }).action(() => undefined);
  return program.parse(['agent', '--hub', 'http://127.0.0.1:1', '--mac', '001122aabbcc', ...args], { from: 'user' });
};

describe('tether agent update, backup and restore options', () => {
  it('takes the three hooks and the config file', () => {
    const program = parse('--on-update', '/usr/sbin/install-fw', '--on-backup', 'dump-config', '--on-restore', 'load-config', '--config', '/etc/device.cfg');
    expect(program.commands[0]?.opts()).toMatchObject({
      onUpdate: '/usr/sbin/install-fw',
      onBackup: 'dump-config',
      onRestore: 'load-config',
      config: '/etc/device.cfg',
    });
    expect(parse().commands[0]?.opts()).not.toHaveProperty('onUpdate');
  });

  it('refuses a blank hook command', () => {
    expect(() => parse('--on-update', ' ')).toThrow(/a hook command may not be empty/);
    expect(() => parse('--on-backup', '')).toThrow(/a hook command may not be empty/);
  });

  it('is described in --help', () => {
    const help = agentCommand().helpInformation();
    for (const option of ['--on-update <command>', '--on-backup <command>', '--on-restore <command>', '--config <file>', '$TETHER_UPDATE_FILE']) {
      expect(help).toContain(option);
    }
  });
});

describe('agent state file with installed versions', () => {
  it('keeps the password, the firmware, the app and software versions together, and refuses what is not ours', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tether-state-'));
    const file = path.join(dir, 'state.json');
    try {
      writeState(file, { password: 'p1', firmware: '13r2', apps: { devices: '13r2' }, software: { myapps: '2.0' } });
      expect(readState(file)).toEqual({ password: 'p1', firmware: '13r2', apps: { devices: '13r2' }, software: { myapps: '2.0' } });
      fs.writeFileSync(file, '{"firmware":13}');
      expect(() => readState(file)).toThrow(/firmware must be a string/);
      fs.writeFileSync(file, '{"apps":{"devices":2}}');
      expect(() => readState(file)).toThrow(/apps must map app names to versions/);
      fs.writeFileSync(file, '{"apps":["devices"]}');
      expect(() => readState(file)).toThrow(/apps must map app names to versions/);
      fs.writeFileSync(file, '{"software":{"myapps":2}}');
      expect(() => readState(file)).toThrow(/software must map software names to versions/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
