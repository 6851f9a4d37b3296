// An assignment hands the device its new password over its live connection, so only the
// node holding that connection can assign it. Why another one cannot, in words for the caller.
import { deviceAggregate } from '../../domain/device/aggregate.js';
import { isOnline, isRegistered } from '../../domain/device/decide.js';
import { formatMac } from '../../domain/device/mac.js';
import { TetherError } from '../../domain/errors.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';

export async function whyNotAssignableHere(runtime: ActorRuntime, mac: string): Promise<TetherError> {
  const { state } = await runtime.load(deviceAggregate, mac);
  const device = formatMac(mac);
  if (!isRegistered(state)) return new TetherError('not_found', `device ${device} not found`, ['params.mac']);
  if (!isOnline(state)) {
    return new TetherError(
      'transition_forbidden',
      `device ${device} is offline: a device can be assigned only while connected, since its new password is delivered over its connection`,
    );
  }
  return new TetherError(
    'transition_forbidden',
    `device ${device} is connected to hub node ${state.context.nodeId ?? '(unknown)'}: assign it through that node`,
  );
}
