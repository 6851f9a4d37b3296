// A failure an admin command tells the operator in one line, `tether: <code>: <message>`:
// what the hub answered (its own code, so a string and not an ErrorCode), a hub that could
// not be reached, or the operator's own cancel.
export class CommandError extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
    /** The hub's HTTP status; undefined when no answer came. */
    readonly status?: number,
    readonly details: readonly string[] = [],
  ) {
    super(`${code}: ${reason}`);
    this.name = 'CommandError';
  }
}

export const isCommandError = (error: unknown, code?: string): error is CommandError =>
  error instanceof CommandError && (code === undefined || error.code === code);
