// Which REST operations a command calls, declared where the command is made, so that a test
// can hold the CLI against the hub's OpenAPI document: every write the API offers has a
// command (DESIGN: every UI action is an API call and a CLI command).
import type { Command } from 'commander';
import type { HttpMethod } from './api-client.js';

/** As the OpenAPI document names it: `PUT /api/v1/tenants/{id}/password`. */
export type ApiOperation = `${HttpMethod} /${string}`;

const declared = new WeakMap<Command, readonly ApiOperation[]>();

/** Records that `command` calls `operations`; returns the command, to go on building it. */
export function calls(command: Command, ...operations: readonly ApiOperation[]): Command {
  declared.set(command, [...(declared.get(command) ?? []), ...operations]);
  return command;
}

export const operationsOf = (command: Command): readonly ApiOperation[] => declared.get(command) ?? [];
