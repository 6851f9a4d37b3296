// The REST API under /api/v1, the console's only way to read and change anything besides
// the dashboard socket. A failure becomes an ApiError carrying the hub's error body.
import type { Session } from './session.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The request paths the hub named, e.g. "body.devicePort". */
    readonly details: readonly string[],
  ) {
    super(message);
  }
}

interface ErrorBody {
  readonly error?: { readonly code?: unknown; readonly message?: unknown; readonly details?: unknown };
}

async function failure(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => ({}))) as ErrorBody;
  const { code, message, details } = body.error ?? {};
  return new ApiError(
    response.status,
    typeof code === 'string' ? code : 'http_error',
    typeof message === 'string' ? message : `${response.status} ${response.statusText}`,
    Array.isArray(details) ? details.filter((detail): detail is string => typeof detail === 'string') : [],
  );
}

/** Fired when the hub no longer accepts the token (expired or revoked): the console signs out. */
export const tokenRefused = new EventTarget();

export async function send(session: Session | undefined, method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = {};
  if (session !== undefined) headers.authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`/api/v1${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (response.status === 401 && session !== undefined) tokenRefused.dispatchEvent(new Event('refused'));
  if (!response.ok) throw await failure(response);
  return response;
}

/** The JSON answer, or undefined for 204. */
export async function call<T>(session: Session | undefined, method: string, path: string, body?: unknown): Promise<T> {
  const response = await send(session, method, path, body);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

export const query = (params: Record<string, string | undefined>): string => {
  const entries = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '');
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`;
};
