#!/usr/bin/env node
// The `tether` command line.
import { Command } from 'commander';
import { agentCommand } from '../agent/agent-command.js';
import { isTetherError } from '../domain/errors.js';
import { CommandError } from './command-error.js';
import { linkCommand } from './link-command.js';
import { loginCommand } from './login-command.js';
import { projectionsCommand } from './projections-command.js';
import { serveCommand } from './serve-command.js';

const program = new Command('tether')
  .description('Tether: a self-hosted hub for reaching and managing devices in the field')
  .showHelpAfterError()
  .addCommand(serveCommand())
  .addCommand(projectionsCommand())
  .addCommand(agentCommand())
  .addCommand(loginCommand())
  .addCommand(linkCommand());

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
