/** The part of a pino logger the projection runner uses. */
export interface RunnerLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

// Without a logger a failure must still be seen: errors and warnings go to stderr.
export const consoleLogger: RunnerLogger = {
  info: () => undefined,
  warn: (details, message) => console.warn(message, details),
  error: (details, message) => console.error(message, details),
};
