// The device stores its backup itself, as the seed's devices do: a WebDAV PUT to the URL the hub
// composed, with the credentials the hub handed over (never written anywhere on the device).
// Basic and Digest are the `webdav` client's; the status handling is ours, because with Digest
// the library hands a final 401 back as if it had succeeded.
import https from 'node:https';
import { AuthType, createClient } from 'webdav';
import type { WebDAVClient } from 'webdav';
import { TetherError } from '../domain/errors.js';
import type { WebdavAuth } from '../domain/gateway/job-messages.js';

export interface DavOptions {
  /** PEM of a private CA the server's certificate may chain to. */
  readonly ca?: string | Buffer;
  /** For each request, from its start to its last byte. */
  readonly timeoutMs?: number;
}

interface DavResponse {
  readonly status: number;
  readonly statusText: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}

const defaultTimeoutMs = 120_000;

const authTypes: Readonly<Record<WebdavAuth['type'], AuthType>> = {
  none: AuthType.None,
  basic: AuthType.Password,
  digest: AuthType.Digest,
};

function clientFor(url: URL, auth: WebdavAuth, options: DavOptions): WebDAVClient {
  return createClient(url.origin, {
    authType: authTypes[auth.type],
    ...(auth.type === 'none' ? {} : { username: auth.username, password: auth.password }),
    ...(options.ca === undefined ? {} : { httpsAgent: new https.Agent({ ca: options.ca }) }),
  });
}

/** Without userinfo or query, which may hold secrets. */
const shown = (url: URL): string => `${url.origin}${url.pathname}`;

// The library throws on an error status (except Digest's 401) with the response attached.
const responseOf = (error: unknown): DavResponse | undefined =>
  typeof error === 'object' && error !== null && 'response' in error && typeof error.response === 'object' && error.response !== null
    ? (error.response as DavResponse)
    : undefined;

function httpError(method: string, url: URL, status: number, statusText: string): TetherError {
  return new TetherError('unavailable', `HTTP ${status}${statusText === '' ? '' : ` ${statusText}`} (${method} ${shown(url)})`);
}

async function send(client: WebDAVClient, method: string, url: URL, options: DavOptions, data?: Buffer): Promise<DavResponse> {
  try {
    return await client.customRequest('/', {
      method,
      url: url.href,
      ...(data === undefined ? {} : { data, headers: { 'Content-Type': 'application/octet-stream' } }),
      signal: AbortSignal.timeout(options.timeoutMs ?? defaultTimeoutMs),
    });
  } catch (error) {
    const response = responseOf(error);
    if (response !== undefined) return response;
    throw new TetherError('unavailable', `${method} ${shown(url)} failed: ${(error as Error).message}`);
  }
}

const parentOf = (url: URL): URL | undefined => {
  const path = url.pathname.replace(/\/+$/, '');
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? undefined : new URL(`${path.slice(0, cut)}/`, url);
};

// MKCOL answers 409 when the parent is missing too: create from the deepest missing one down.
async function ensureCollection(client: WebDAVClient, collection: URL, options: DavOptions): Promise<void> {
  const response = await send(client, 'MKCOL', collection, options);
  if (response.status === 409) {
    const parent = parentOf(collection);
    if (parent === undefined) throw httpError('MKCOL', collection, 409, response.statusText);
    await ensureCollection(client, parent, options);
    await ensureCollection(client, collection, options);
    return;
  }
  // 405: the collection exists already.
  if (response.status >= 400 && response.status !== 405) throw httpError('MKCOL', collection, response.status, response.statusText);
}

/** PUTs `body` to `url`, creating missing parent collections when the server answers 409. */
export async function davPut(url: string, auth: WebdavAuth, body: Buffer, options: DavOptions = {}): Promise<void> {
  const target = new URL(url);
  const client = clientFor(target, auth, options);
  let response = await send(client, 'PUT', target, options, body);
  if (response.status === 409) {
    const parent = parentOf(target);
    if (parent !== undefined) {
      await ensureCollection(client, parent, options);
      response = await send(client, 'PUT', target, options, body);
    }
  }
  if (response.status >= 400) throw httpError('PUT', target, response.status, response.statusText);
}

/** The file at `url`. */
export async function davGet(url: string, auth: WebdavAuth, options: DavOptions = {}): Promise<Buffer> {
  const target = new URL(url);
  const client = clientFor(target, auth, options);
  const response = await send(client, 'GET', target, options);
  if (response.status >= 400) throw httpError('GET', target, response.status, response.statusText);
  return Buffer.from(await response.arrayBuffer());
}
