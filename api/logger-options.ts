import type { FastifyRequest, FastifyServerOptions } from 'fastify';
import type { DestinationStream } from 'pino';
import { redactUrl } from './url-redaction.js';

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

// Fastify's own request serializer, with the URL's tokens redacted: every request log line goes through it.
const serializers = {
  req: (request: FastifyRequest) => ({
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket.remotePort,
  }),
};

export const loggerOptions = (level: string, stream?: DestinationStream): FastifyServerOptions['logger'] => ({
  level,
  redact: { paths: redacted, censor: '[redacted]' },
  serializers,
  ...(stream === undefined ? {} : { stream }),
});
