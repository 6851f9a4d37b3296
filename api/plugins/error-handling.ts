// The one error handler: every failure leaves as {"error":{"code","message","details"}}
// with the status of api/error-status.ts.
import fp from 'fastify-plugin';
import { TetherError } from '../../domain/errors.js';
import { errorBody, toTetherError } from '../error-body.js';
import { errorStatus } from '../error-status.js';
import { LoginThrottled } from '../../domain/login-attempts/login-throttled.js';
import { redactUrl } from '../url-redaction.js';

export const errorHandling = fp(
  async (app) => {
    app.setErrorHandler((error, request, reply) => {
      const failure = toTetherError(error);
      const status = errorStatus[failure.code];
      if (status >= 500) request.log.error({ err: error, code: failure.code }, 'request failed');
      else request.log.info({ code: failure.code, details: failure.details }, failure.message);
      if (failure instanceof LoginThrottled) void reply.header('retry-after', String(failure.retryAfterSeconds));
      return reply.code(status).send(errorBody(failure));
    });
    app.setNotFoundHandler((request, reply) =>
      reply.code(404).send(errorBody(new TetherError('not_found', `no route for ${request.method} ${redactUrl(request.url)}`))),
    );
  },
  { name: 'tether-error-handling' },
);
