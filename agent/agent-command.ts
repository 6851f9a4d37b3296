// `tether agent`: runs on the device until SIGTERM or SIGINT.
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { startAgent } from './agent.js';
import type { AllowRule } from './allow-list.js';
import { collectAllow, collectApp, collectCategory, collectHub, parseHookCommand, parseMacOption } from './cli-options.js';
import type { AppSpec } from './cli-options.js';

interface AgentCommandOptions {
  readonly hub: readonly string[];
  readonly mac: string;
  readonly code?: string;
  readonly state?: string;
  readonly model: string;
  readonly firmware: string;
  readonly category: readonly string[];
  readonly app: readonly AppSpec[];
  readonly software: readonly AppSpec[];
  readonly onPassword?: string;
  readonly ca?: string;
  readonly allow?: readonly AllowRule[];
  readonly onUpdate?: string;
  readonly onBackup?: string;
  readonly onRestore?: string;
  readonly config?: string;
  readonly serviceEndpoint?: boolean;
}

function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new Error(`cannot read the CA certificate ${file}: ${(error as Error).message}`, { cause: error });
  }
}

async function runAgent(options: AgentCommandOptions): Promise<void> {
  const agent = startAgent({
    hub: options.hub,
    mac: options.mac,
    model: options.model,
    firmware: options.firmware,
    categories: options.category,
    apps: options.app,
    software: options.software,
    ...(options.code === undefined ? {} : { code: options.code }),
    ...(options.state === undefined ? {} : { stateFile: options.state }),
    ...(options.onPassword === undefined ? {} : { onPassword: options.onPassword }),
    ...(options.ca === undefined ? {} : { ca: readCa(options.ca) }),
    ...(options.allow === undefined ? {} : { allow: options.allow }),
    ...(options.onUpdate === undefined ? {} : { onUpdate: options.onUpdate }),
    ...(options.onBackup === undefined ? {} : { onBackup: options.onBackup }),
    ...(options.onRestore === undefined ? {} : { onRestore: options.onRestore }),
    ...(options.config === undefined ? {} : { configFile: options.config }),
    ...(options.serviceEndpoint === true ? { serviceEndpoint: true } : {}),
  });
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      agent.stop().then(resolve, resolve);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

/** The `agent` command; added to `program` when given. */
export function agentCommand(program?: Command): Command {
  const command = new Command('agent')
    .description('run the device agent: connect to the hub, keep the device password, reconnect after any loss')
    .addOption(
      new Option('--hub <url>', 'the hub, https://host[:port] (or http, ws, wss); repeatable: tried in turn. The agent connects to <url>/gateway, and first to the addresses the hub told it (kept in --state)')
        .argParser(collectHub)
        .makeOptionMandatory(),
    )
    .addOption(new Option('--mac <mac>', 'the device MAC: 00:11:22:AA:BB:CC, 00-11-22-AA-BB-CC or 001122AABBCC').argParser(parseMacOption).makeOptionMandatory())
    .option('--code <code>', 'a provisioning code to redeem at the first hello')
    .option('--state <file>', 'file that keeps the device password (mode 0600); without it the password lives in memory only')
    .option('--model <model>', 'device model reported to the hub', 'tether-agent')
    .option('--firmware <version>', 'firmware version reported to the hub', 'unknown')
    .option('--category <category>', 'a category of the device (repeatable)', collectCategory, [])
    .option('--app <name@version>', 'an installed app and its version (repeatable)', collectApp, [])
    .option('--software <name@version>', 'an installed software package (software.json id) and its version (repeatable)', collectApp, [])
    .option('--on-password <command>', 'shell command run with the tenant password on stdin whenever the hub deploys it')
    .option('--ca <file>', 'PEM file of a private CA that signed the hub certificate')
    .option(
      '--allow <host:ports>',
      'a target the hub may open streams to (repeatable): HOST an IP, a name, [IPv6] or *; PORTS *, N, N-M or a list, ' +
        'e.g. 127.0.0.1:22,80 or [::1]:8000-8099 (default: 127.0.0.1:*)',
      collectAllow,
    )
    .addOption(
      new Option(
        '--on-update <command>',
        'shell command that installs a downloaded update; the file is appended as an argument and set as $TETHER_UPDATE_FILE, ' +
          'with $TETHER_UPDATE_KIND (firmware|app), $TETHER_UPDATE_NAME, $TETHER_UPDATE_VERSION; exit 0 = installed ' +
          '(without it, updates are kept in updates/ beside the --state file)',
      ).argParser(parseHookCommand),
    )
    .addOption(
      new Option('--on-backup <command>', 'shell command whose stdout is the configuration a backup stores (takes precedence over --config)').argParser(
        parseHookCommand,
      ),
    )
    .addOption(new Option('--on-restore <command>', 'shell command given a restored configuration on stdin').argParser(parseHookCommand))
    .option('--config <file>', 'the configuration file a backup stores (without --on-backup) and a restore replaces (without --on-restore)')
    .option(
      '--service-endpoint',
      'serve as a target endpoint of dtt-reverse protocol applications: devices reach servers of this network through this agent ' +
        '(the targets must be allowed by --allow, e.g. --allow localhost:8080)',
    )
    .action((options: AgentCommandOptions) => runAgent(options));
  program?.addCommand(command);
  return command;
}
