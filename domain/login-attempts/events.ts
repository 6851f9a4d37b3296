import * as t from 'io-ts';

/**
 * A login from the address failed; it counts in the window that started at `windowStartedAt`
 * (ISO time). No password, tried or stored, is ever recorded.
 */
export const LoginFailed = t.type({
  type: t.literal('LoginFailed'),
  data: t.type({ windowStartedAt: t.string }),
});
export type LoginFailed = t.TypeOf<typeof LoginFailed>;

export const LoginAttemptsEvent = LoginFailed;
export type LoginAttemptsEvent = LoginFailed;
