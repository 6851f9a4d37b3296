import { isTetherError, TetherError } from '../../domain/errors.js';

/** Runs work whose validation errors name fields of the request body without the `body.` prefix. */
export async function inBody<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!isTetherError(error, 'validation_failed')) throw error;
    throw new TetherError(error.code, error.message, error.details.map((path) => `body.${path}`));
  }
}
