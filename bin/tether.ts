#!/usr/bin/env node
// The `tether` command line.
import { setDefaultHighWaterMark } from 'node:stream';
import { isTetherError } from '../domain/errors.js';
import { CommandError } from './command-error.js';
import { tetherProgram } from './program.js';

// Every tether process relays bytes (hub, agent, link client): 64 KiB buffers, as Node 22
// makes the default, let a socket's whole read pass through a pipe without a pause per chunk.
setDefaultHighWaterMark(false, 64 * 1024);

const program = tetherProgram();

// An operator's mistake (bad configuration, a port in use) or the hub's refusal is told in
// one line; a bug keeps its stack.
const isOperational = (error: unknown): error is Error =>
  isTetherError(error, 'invalid_configuration') ||
  error instanceof CommandError ||
  (error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string');

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error('tether:', isOperational(error) ? error.message : error);
  process.exit(1);
});
