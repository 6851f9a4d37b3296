// How `tether login` reads a password: piped, or typed at a terminal without echo.
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../../bin/command-error.js';
import { promptPassword, readPasswordFrom } from '../../bin/password-input.js';
import type { Terminal } from '../../bin/password-input.js';

/** A terminal whose raw mode is recorded and whose keystrokes the test types. */
class FakeTerminal extends PassThrough implements Terminal {
  readonly modes: boolean[] = [];
  setRawMode(mode: boolean): this {
    this.modes.push(mode);
    return this;
  }
}

function prompt(keys: string[]): { terminal: FakeTerminal; shown: () => string; password: Promise<string> } {
  const terminal = new FakeTerminal();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
  const password = promptPassword('password of admin: ', terminal, output);
  for (const key of keys) terminal.write(key);
  return { terminal, shown: () => shown, password };
}

describe('a piped password', () => {
  it('is read whole, without the one line ending a file or echo adds', async () => {
    expect(await readPasswordFrom(Readable.from([Buffer.from('sec'), Buffer.from('ret\n')]))).toBe('secret');
    expect(await readPasswordFrom(Readable.from([Buffer.from('secret\r\n')]))).toBe('secret');
    expect(await readPasswordFrom(Readable.from([Buffer.from(' two words \n\n')]))).toBe(' two words \n');
  });
});

describe('a typed password', () => {
  it('is not echoed, honours backspace, and ends at Enter with the terminal back to normal', async () => {
    const { terminal, shown, password } = prompt(['sec', 'x\u007f', 'ret', '\r']);
    expect(await password).toBe('secret');
    expect(shown()).toBe('password of admin: \n');
    expect(terminal.modes).toEqual([true, false]);
  });

  it('is cancelled by Ctrl-C', async () => {
    const { terminal, password } = prompt(['sec', '\u0003']);
    const error: unknown = await password.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).message).toBe('cancelled: no password typed');
    expect(terminal.modes).toEqual([true, false]);
  });
});
