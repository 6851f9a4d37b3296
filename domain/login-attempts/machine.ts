import { assign, setup } from 'xstate';
import type { LoginAttemptsEvent } from './events.js';

export interface LoginAttemptsContext {
  /** ISO time the current window started; '' before the first failure. */
  readonly windowStartedAt: string;
  /** Failures counted in it, by every hub node. */
  readonly failures: number;
}

/** One state: the window is all there is; a failure counted in a later window starts it afresh. */
export const loginAttemptsMachine = setup({
  types: { context: {} as LoginAttemptsContext, events: {} as LoginAttemptsEvent },
}).createMachine({
  id: 'loginattempts',
  context: { windowStartedAt: '', failures: 0 },
  on: {
    LoginFailed: {
      actions: assign(({ context, event }) =>
        event.data.windowStartedAt === context.windowStartedAt ? { failures: context.failures + 1 } : { windowStartedAt: event.data.windowStartedAt, failures: 1 },
      ),
    },
  },
});
