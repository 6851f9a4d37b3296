import { assign, setup } from 'xstate';
import type { RegistrationsEvent } from './events.js';

export interface RegistrationsContext {
  /** ISO time the current window started; '' before the first registration. */
  readonly windowStartedAt: string;
  /** The keys counted in it, by every hub node. */
  readonly keys: readonly string[];
}

/** One state: the window is all there is; a registration counted in a later window starts it afresh. */
export const registrationsMachine = setup({
  types: { context: {} as RegistrationsContext, events: {} as RegistrationsEvent },
}).createMachine({
  id: 'registrations',
  context: { windowStartedAt: '', keys: [] },
  on: {
    RegistrationCounted: {
      actions: assign(({ context, event }) =>
        event.data.windowStartedAt === context.windowStartedAt
          ? { keys: [...context.keys, event.data.key] }
          : { windowStartedAt: event.data.windowStartedAt, keys: [event.data.key] },
      ),
    },
    RegistrationGivenBack: { actions: assign(({ context, event }) => ({ keys: context.keys.filter((key) => key !== event.data.key) })) },
  },
});
