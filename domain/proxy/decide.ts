import type { SnapshotFrom } from 'xstate';
import { TetherError } from '../errors.js';
import { sameValue } from '../forward-session/same-value.js';
import type { ProxyCommand } from './commands.js';
import type { ProxyEvent } from './events.js';
import type { proxyMachine } from './machine.js';
import { isProxyId, proxyIdRule } from './proxy-id.js';
import { isProxySettings } from './proxy-settings.js';
import type { ProxySettings } from './proxy-settings.js';

export type ProxyState = SnapshotFrom<typeof proxyMachine>;

export const isActiveProxy = (state: ProxyState): boolean => state.matches('active');

/** The profile's settings while it exists. */
export const settingsOf = (state: ProxyState): ProxySettings | undefined => (state.matches('active') ? state.context.settings : undefined);

export const sameSettings = (a: ProxySettings, b: ProxySettings): boolean => sameValue(a, b);

function mustBeValid(proxyId: string, settings: ProxySettings): void {
  if (!isProxyId(proxyId)) throw new TetherError('validation_failed', `id ${proxyIdRule}`, ['id']);
  if (!isProxySettings(settings)) throw new TetherError('validation_failed', 'the proxy settings are not valid', ['settings']);
}

const notFound = (state: ProxyState): TetherError =>
  new TetherError('not_found', state.context.proxyId === '' ? 'no such proxy profile' : `proxy ${state.context.proxyId} not found`);

export function decideProxy(state: ProxyState, command: ProxyCommand): readonly ProxyEvent[] {
  const { context } = state;
  switch (command.type) {
    case 'CreateProxy':
      if (state.matches('active')) throw new TetherError('already_exists', `proxy ${command.proxyId} already exists`, ['body.id']);
      mustBeValid(command.proxyId, command.settings);
      return [{ type: 'ProxyCreated', data: { proxyId: command.proxyId, settings: command.settings } }];
    case 'UpdateProxy': {
      const settings = settingsOf(state);
      if (settings === undefined) throw notFound(state);
      if (command.proxyId !== context.proxyId) {
        throw new TetherError('validation_failed', `the id of proxy ${context.proxyId} cannot change: remove the profile and create a new one`, ['body.id']);
      }
      mustBeValid(command.proxyId, command.settings);
      // Saving what already holds changes nothing, so clients may retry.
      if (sameSettings(settings, command.settings)) return [];
      return [{ type: 'ProxyUpdated', data: { proxyId: context.proxyId, settings: command.settings } }];
    }
    case 'SetProxyEnabled': {
      const settings = settingsOf(state);
      if (settings === undefined) throw notFound(state);
      if (settings.enabled === command.enabled) return [];
      return [{ type: command.enabled ? 'ProxyEnabled' : 'ProxyDisabled', data: { proxyId: context.proxyId } }];
    }
    case 'RemoveProxy':
      if (!state.matches('active')) throw notFound(state);
      return [{ type: 'ProxyRemoved', data: { proxyId: context.proxyId } }];
  }
}
