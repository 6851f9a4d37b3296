// A request body an operator wrote as a JSON file (or `-` for standard input), for the
// commands whose bodies have more fields than flags would carry well (proxy profiles, protocol
// applications). The hub checks its fields; here only that it is one JSON object.
import { readFile } from 'node:fs/promises';
import { text as readText } from 'node:stream/consumers';
import { CommandError } from './command-error.js';

export async function readJsonDocument(file: string): Promise<object> {
  let text: string;
  try {
    text = file === '-' ? await readText(process.stdin) : await readFile(file, 'utf8');
  } catch (error) {
    throw new CommandError('validation_failed', `--file ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CommandError('validation_failed', `--file ${file}: not JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new CommandError('validation_failed', `--file ${file}: expected one JSON object`);
  return parsed;
}
