import { TetherError } from '../errors.js';

/** Rate limited, with the seconds after which to try again (the Retry-After header). */
export class LoginThrottled extends TetherError {
  constructor(readonly retryAfterSeconds: number) {
    super('rate_limited', `too many failed logins; retry in ${retryAfterSeconds} s`);
  }
}
