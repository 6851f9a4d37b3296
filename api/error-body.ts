// Turns anything thrown while serving a request into a TetherError and the one error body:
// {"error":{"code","message","details":[paths]}}.
import { TetherError } from '../domain/errors.js';

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details: readonly string[] };
}

export const errorBody = (error: TetherError): ErrorBody => ({
  error: { code: error.code, message: error.message, details: error.details },
});

interface HttpError {
  readonly statusCode: number;
  readonly code?: unknown;
  readonly message: string;
}

const isHttpError = (error: unknown): error is HttpError =>
  error instanceof Error && typeof (error as { statusCode?: unknown }).statusCode === 'number';

/** Fastify's own errors (bad JSON, body too large, wrong content type) in our vocabulary. */
function fromHttpError(error: HttpError): TetherError | undefined {
  const { statusCode } = error;
  if (statusCode === 413) return new TetherError('payload_too_large', 'the request body is over the size limit', ['body']);
  if (statusCode === 415) {
    return new TetherError('validation_failed', 'unsupported content type: send application/json', ['headers.content-type']);
  }
  if (statusCode === 401) return new TetherError('unauthenticated', error.message);
  if (statusCode === 404) return new TetherError('not_found', error.message);
  if (statusCode === 429) return new TetherError('rate_limited', error.message);
  if (statusCode === 503) return new TetherError('unavailable', error.message);
  const isBodyError = typeof error.code === 'string' && error.code.startsWith('FST_ERR_CTP_');
  if (statusCode >= 400 && statusCode < 500) {
    return new TetherError('validation_failed', error.message, isBodyError ? ['body'] : []);
  }
  return undefined;
}

export function toTetherError(error: unknown): TetherError {
  if (error instanceof TetherError) return error;
  if (isHttpError(error)) {
    const mapped = fromHttpError(error);
    if (mapped) return mapped;
  }
  // The cause goes to the log; the client learns only that it was not its fault.
  return new TetherError('internal', 'internal error');
}
