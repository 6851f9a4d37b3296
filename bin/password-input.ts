// How `tether login` and `tether jobs create backup` get a password: piped in
// (`--password-stdin`, or stdin is not a terminal), or typed at a prompt that does not echo it.
import type { Readable, Writable } from 'node:stream';
import { CommandError } from './command-error.js';

/** Everything on `input`, without the one line ending `echo` or a file adds. */
export async function readPasswordFrom(input: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export interface Terminal extends Readable {
  setRawMode(mode: boolean): unknown;
}

const interrupt = '\u0003';
const endOfInput = '\u0004';
const erasers = new Set(['\u007f', '\b']);

/** Reads one line from a terminal in raw mode, so that nothing typed is shown. */
export function promptPassword(prompt: string, terminal: Terminal, output: Writable): Promise<string> {
  output.write(prompt);
  terminal.setRawMode(true);
  terminal.setEncoding('utf8');
  const typed: string[] = [];
  return new Promise<string>((resolve, reject) => {
    const finish = (outcome: () => void): void => {
      terminal.off('data', onData);
      terminal.setRawMode(false);
      terminal.pause();
      output.write('\n');
      outcome();
    };
    function onData(chars: string): void {
      for (const char of chars) {
        if (char === interrupt) return finish(() => reject(new CommandError('cancelled', 'no password typed')));
        if (char === '\r' || char === '\n' || char === endOfInput) return finish(() => resolve(typed.join('')));
        if (erasers.has(char)) typed.pop();
        else typed.push(char);
      }
    }
    terminal.on('data', onData);
    terminal.resume();
  });
}

/** Asked for at a terminal (without echo) unless `fromStdin`; read from stdin otherwise. */
export function readPassword(prompt: string, fromStdin: boolean): Promise<string> {
  return !fromStdin && process.stdin.isTTY ? promptPassword(prompt, process.stdin, process.stderr) : readPasswordFrom(process.stdin);
}
