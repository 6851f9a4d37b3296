import type { SnapshotFrom } from 'xstate';
import { isMac } from '../device/mac.js';
import { TetherError } from '../errors.js';
import { sameValue } from '../forward-session/same-value.js';
import { isAppId } from './app-id.js';
import { isAppTemplate } from './app-template.js';
import type { AppTemplate } from './app-template.js';
import type { ProtocolAppCommand } from './commands.js';
import type { ProtocolAppEvent } from './events.js';
import type { protocolAppMachine } from './machine.js';

export type ProtocolAppState = SnapshotFrom<typeof protocolAppMachine>;

export const templateOf = (state: ProtocolAppState): AppTemplate | undefined => (state.matches('active') ? state.context.template : undefined);

export const isAssignedTo = (state: ProtocolAppState, device: string): boolean =>
  state.matches('active') && Object.hasOwn(state.context.assignments, device);

function mustBeTemplate(template: AppTemplate): void {
  if (!isAppTemplate(template)) throw new TetherError('validation_failed', 'the protocol application is not valid', ['template']);
}

export function decideProtocolApp(state: ProtocolAppState, command: ProtocolAppCommand): readonly ProtocolAppEvent[] {
  const { context } = state;
  if (command.type === 'CreateProtocolApp') {
    if (!state.matches('absent')) throw new TetherError('already_exists', `protocol application ${command.appId} already exists`);
    if (!isAppId(command.appId)) throw new TetherError('validation_failed', 'appId must be a UUID in lower case', ['appId']);
    mustBeTemplate(command.template);
    return [{ type: 'ProtocolAppCreated', data: { appId: command.appId, template: command.template } }];
  }
  const template = templateOf(state);
  if (template === undefined) throw new TetherError('not_found', 'no such protocol application');
  switch (command.type) {
    case 'UpdateProtocolApp':
      mustBeTemplate(command.template);
      if (sameValue(template, command.template)) return [];
      return [{ type: 'ProtocolAppUpdated', data: { appId: context.appId, template: command.template } }];
    case 'DeleteProtocolApp':
      return [{ type: 'ProtocolAppDeleted', data: { appId: context.appId } }];
    case 'AssignProtocolApp':
      if (!isMac(command.device)) throw new TetherError('validation_failed', 'device must be a MAC in canonical form', ['device']);
      if (command.tenantId === '') throw new TetherError('validation_failed', 'a device is assigned for its tenant', ['tenantId']);
      // Assigning twice changes nothing, so clients may retry.
      if (isAssignedTo(state, command.device)) return [];
      return [{ type: 'ProtocolAppAssigned', data: { appId: context.appId, device: command.device, tenantId: command.tenantId } }];
    case 'UnassignProtocolApp':
      if (!isAssignedTo(state, command.device)) throw new TetherError('not_found', 'the protocol application is not assigned to this device');
      return [{ type: 'ProtocolAppUnassigned', data: { appId: context.appId, device: command.device } }];
  }
}
