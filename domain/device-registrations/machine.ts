import { assign, setup } from 'xstate';
import type { DeviceRegistrationsEvent } from './events.js';

export interface DeviceRegistrationsContext {
  /** ISO time the current window started; '' before the first registration. */
  readonly windowStartedAt: string;
  /** The MACs counted in it, by every hub node. */
  readonly macs: readonly string[];
}

/** One state: the window is all there is; a registration counted in a later window starts it afresh. */
export const deviceRegistrationsMachine = setup({
  types: { context: {} as DeviceRegistrationsContext, events: {} as DeviceRegistrationsEvent },
}).createMachine({
  id: 'deviceregistrations',
  context: { windowStartedAt: '', macs: [] },
  on: {
    DeviceRegistrationCounted: {
      actions: assign(({ context, event }) =>
        event.data.windowStartedAt === context.windowStartedAt
          ? { macs: [...context.macs, event.data.mac] }
          : { windowStartedAt: event.data.windowStartedAt, macs: [event.data.mac] },
      ),
    },
    DeviceRegistrationGivenBack: { actions: assign(({ context, event }) => ({ macs: context.macs.filter((mac) => mac !== event.data.mac) })) },
  },
});
