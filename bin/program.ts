// Every `tether` command, built without running: the CLI runs it, tests read it.
import { Command } from 'commander';
import { agentCommand } from '../agent/agent-command.js';
import { adminCommand } from './admin-command.js';
import { appsCommand } from './apps-command.js';
import { auditCommand } from './audit-command.js';
import { auditorsCommand } from './auditors-command.js';
import { usersCommand } from './users-command.js';
import { catalogCommand } from './catalog-command.js';
import { codesCommand } from './codes-command.js';
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
import { tenantsCommand } from './tenants-command.js';

export const tetherProgram = (): Command =>
  new Command('tether')
    .description('Tether: a self-hosted hub for reaching and managing devices in the field')
    .showHelpAfterError()
    .addCommand(serveCommand())
    .addCommand(projectionsCommand())
    .addCommand(agentCommand())
    .addCommand(loginCommand())
    .addCommand(adminCommand())
    .addCommand(tenantsCommand())
    .addCommand(codesCommand())
    .addCommand(auditorsCommand())
    .addCommand(usersCommand())
    .addCommand(linkCommand())
    .addCommand(devicesCommand())
    .addCommand(sessionsCommand())
    .addCommand(catalogCommand())
    .addCommand(jobsCommand())
    .addCommand(auditCommand())
    .addCommand(relayCommand())
    .addCommand(relaysCommand())
    .addCommand(hubCommand())
    .addCommand(proxiesCommand())
    .addCommand(appsCommand());
