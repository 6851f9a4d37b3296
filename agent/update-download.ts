// An update's binary, fetched to a file while its SHA-256 is computed on the way, so a large
// firmware is neither held in memory nor read twice. A file that fails its check is deleted.
import { createHash } from 'node:crypto';
import { createWriteStream, rmSync } from 'node:fs';
import http from 'node:http';
import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TetherError } from '../domain/errors.js';

export interface DownloadOptions {
  /** Expected SHA-256, hex in either case; checked when given. */
  readonly sha256?: string;
  /** PEM of a private CA the server's certificate may chain to. */
  readonly ca?: string | Buffer;
  /** Longest silence from the server before the download is given up. */
  readonly idleTimeoutMs?: number;
}

export interface Downloaded {
  readonly bytes: number;
  readonly sha256: string;
}

const maxRedirects = 5;
const defaultIdleTimeoutMs = 60_000;

function get(url: URL, options: DownloadOptions): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request =
      url.protocol === 'https:'
        ? https.get(url, { ...(options.ca === undefined ? {} : { ca: options.ca }) }, resolve)
        : http.get(url, resolve);
    request.setTimeout(options.idleTimeoutMs ?? defaultIdleTimeoutMs, () =>
      request.destroy(new TetherError('unavailable', `no answer from ${url.host} within ${options.idleTimeoutMs ?? defaultIdleTimeoutMs} ms`)),
    );
    request.once('error', (error) => reject(error instanceof TetherError ? error : new TetherError('unavailable', `download of ${url.href} failed: ${error.message}`)));
  });
}

async function open(url: URL, options: DownloadOptions): Promise<IncomingMessage> {
  let current = url;
  for (let hop = 0; ; hop += 1) {
    const response = await get(current, options);
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (status >= 300 && status < 400 && location !== undefined) {
      response.resume();
      if (hop >= maxRedirects) throw new TetherError('unavailable', `download of ${url.href} failed: more than ${maxRedirects} redirects`);
      current = new URL(location, current);
      if (current.protocol !== 'http:' && current.protocol !== 'https:') {
        throw new TetherError('unavailable', `download of ${url.href} failed: redirected to ${current.protocol} URL`);
      }
      continue;
    }
    if (status !== 200) {
      response.resume();
      throw new TetherError('unavailable', `download of ${url.href} failed: HTTP ${status} ${response.statusMessage ?? ''}`.trimEnd());
    }
    return response;
  }
}

/** Saves `url` to `file`; throws a TetherError for people (and leaves no file) when anything fails. */
export async function downloadFile(url: string, file: string, options: DownloadOptions = {}): Promise<Downloaded> {
  const hash = createHash('sha256');
  let bytes = 0;
  const digest = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  try {
    const response = await open(new URL(url), options);
    await pipeline(response, digest, createWriteStream(file, { mode: 0o600 }));
  } catch (error) {
    rmSync(file, { force: true });
    if (error instanceof TetherError) throw error;
    throw new TetherError('unavailable', `download of ${url} failed: ${(error as Error).message}`);
  }
  const actual = hash.digest('hex');
  if (options.sha256 !== undefined && options.sha256.toLowerCase() !== actual) {
    rmSync(file, { force: true });
    throw new TetherError(
      'validation_failed',
      `sha256 mismatch for ${url}: expected ${options.sha256.toLowerCase()}, got ${actual}; the download was deleted`,
    );
  }
  return { bytes, sha256: actual };
}
