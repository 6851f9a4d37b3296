#!/usr/bin/env node
// The `tether` command line.
import { setDefaultHighWaterMark } from 'node:stream';
import { Command } from 'commander';
import { agentCommand } from '../agent/agent-command.js';
import { appsCommand } from './apps-command.js';
import { isTetherError } from '../domain/errors.js';
import { auditCommand } from './audit-command.js';
import { CommandError } from './command-error.js';
import { devicesCommand } from './devices-command.js';
import { hubCommand } from './hub-command.js';
import { jobsCommand } from './jobs-command.js';
import { linkCommand } from './link-command.js';
import { loginCommand } from './login-command.js';
import { projectionsCommand } from './projections-command.js';
import { proxiesCommand } from './proxies-command.js';
import { relayCommand } from './relay-command.js';
import { relaysCommand } from './relays-command.js';
import { serveCommand } from './serve-command.js';
import { sessionsCommand } from './sessions-command.js';

// Every tether process relays bytes (hub, agent, link client): 64 KiB buffers, as Node 22
// makes the default, let a socket's whole read pass through a pipe without a pause per chunk.
setDefaultHighWaterMark(false, 64 * 1024);

const program = new Command('tether')
  .description('Tether: a self-hosted hub for reaching and managing devices in the field')
  .showHelpAfterError()
  .addCommand(serveCommand())
  .addCommand(projectionsCommand())
  .addCommand(agentCommand())
  .addCommand(loginCommand())
  .addCommand(linkCommand())
  .addCommand(devicesCommand())
  .addCommand(sessionsCommand())
  .addCommand(jobsCommand())
  .addCommand(auditCommand())
  .addCommand(relayCommand())
  .addCommand(relaysCommand())
  .addCommand(hubCommand())
  .addCommand(proxiesCommand())
  .addCommand(appsCommand());

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
