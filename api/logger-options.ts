import type { FastifyServerOptions } from 'fastify';

// Secrets never reach the log, whatever a future serializer adds.
const redacted = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'body.password',
  'req.body.password',
  'password',
  'token',
  '*.password',
  '*.token',
];

export const loggerOptions = (level: string): FastifyServerOptions['logger'] => ({
  level,
  redact: { paths: redacted, censor: '[redacted]' },
});
