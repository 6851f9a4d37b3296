// Fastify refuses some URLs in its router, before any hook, route or the error handler runs:
// malformed percent-encoding and path parameters over its length limit. Its own answer
// there has another shape and echoes the path (which may hold a DeviceLink close token), so
// those refusals get the one error body here, with the request id the hooks would have set.
import type { FastifyError, FastifyReply } from 'fastify';
import { TetherError } from '../domain/errors.js';
import { errorBody, toTetherError } from './error-body.js';
import { errorStatus } from './error-status.js';

/** Fastify's default limit on one path parameter, in characters. */
export const maxParamLength = 100;

function refusalOf(error: FastifyError): TetherError {
  if (error.code === 'FST_ERR_BAD_URL') return new TetherError('validation_failed', 'the URL is not valid: malformed percent-encoding', ['url']);
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return new TetherError('validation_failed', `a path parameter is over ${maxParamLength} characters`, ['params']);
  }
  return toTetherError(error);
}

export function answerFrameworkError(error: FastifyError, requestId: string, reply: FastifyReply): void {
  const failure = refusalOf(error);
  void reply.code(errorStatus[failure.code]).header('x-request-id', requestId).send(errorBody(failure));
}
