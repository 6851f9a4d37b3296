// The hub's REST API as the admin commands call it. Every failure, an error answer or none at
// all, becomes a CommandError. node:http(s) rather than fetch: Node 20's fetch cannot be given a
// private CA (`--ca`) without the undici package.
import { request as httpRequest } from 'node:http';
import type { RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isLeft } from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { answerText } from '../wire/answer-text.js';
import { CommandError } from './command-error.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiClientOptions {
  /** http(s)://host[:port][/path], without a trailing slash (see parseHubUrl). */
  readonly hub: string;
  readonly token?: string;
  /** PEM of a private CA that signed the hub's certificate. */
  readonly ca?: Buffer;
  /** How long to wait for an answer; default 30 s. */
  readonly timeoutMs?: number;
}

export interface ApiClient {
  /** The answer's JSON, checked by `codec`. */
  call<A>(method: HttpMethod, path: string, codec: t.Decoder<unknown, A>, body?: unknown): Promise<A>;
  /** For answers without a body, such as 204. */
  send(method: HttpMethod, path: string, body?: unknown): Promise<void>;
  /**
   * GETs `path` and writes the answer's body to `out` as it arrives, never holding it whole
   * (an NDJSON export); `out` is left open. An error answer writes nothing to `out`.
   */
  download(path: string, out: Writable): Promise<void>;
}

interface Answer {
  readonly status: number;
  readonly statusText: string;
  readonly text: string;
}

const tlsTrouble = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;

function unreachable(hub: string, error: Error): CommandError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const hint = tlsTrouble.test(code) ? ' (a private CA? give it with --ca FILE)' : '';
  return new CommandError('unreachable', `cannot reach ${hub}: ${error.message}${hint}`);
}

const timeoutOf = (options: ApiClientOptions): number => options.timeoutMs ?? 30_000;

function requestOptionsOf(options: ApiClientOptions, method: HttpMethod, payload: string | undefined): RequestOptions & { ca?: Buffer } {
  return {
    method,
    // One connection per call: a kept-alive socket would hold a finished command open.
    agent: false,
    timeout: timeoutOf(options),
    headers: {
      accept: 'application/json',
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
    },
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  };
}

const senderOf = (url: URL): typeof httpRequest => (url.protocol === 'https:' ? httpsRequest : httpRequest);

function exchange(options: ApiClientOptions, method: HttpMethod, path: string, body: unknown): Promise<Answer> {
  const url = new URL(`${options.hub}${path}`);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const timeoutMs = timeoutOf(options);
  const requestOptions = requestOptionsOf(options, method, payload);
  const send = senderOf(url);
  return new Promise((resolve, reject) => {
    const outgoing = send(url, requestOptions, (response) => {
      answerText(response).then(
        (text) => resolve({ status: response.statusCode ?? 0, statusText: response.statusMessage ?? '', text }),
        (error: Error) => reject(unreachable(options.hub, error)),
      );
    });
    outgoing.once('timeout', () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    outgoing.once('error', (error) => reject(unreachable(options.hub, error)));
    outgoing.end(payload);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The hub's `{error: {code, message, details}}`, or what a proxy in front of it said. */
function failure(answer: Answer): CommandError {
  const body = parseJson(answer.text);
  const error = isRecord(body) ? body.error : undefined;
  if (isRecord(error) && typeof error.code === 'string' && typeof error.message === 'string') {
    const details = Array.isArray(error.details) ? error.details.filter((d): d is string => typeof d === 'string') : [];
    return new CommandError(error.code, error.message, answer.status, details);
  }
  const said = answer.text.trim().split('\n', 1)[0]?.slice(0, 200) ?? '';
  return new CommandError(`http_${answer.status}`, said === '' ? answer.statusText || 'no reason given' : said, answer.status);
}

function download(options: ApiClientOptions, path: string, out: Writable): Promise<void> {
  const url = new URL(`${options.hub}${path}`);
  const timeoutMs = timeoutOf(options);
  return new Promise((resolve, reject) => {
    const outgoing = senderOf(url)(url, requestOptionsOf(options, 'GET', undefined), (response) => {
      const status = response.statusCode ?? 0;
      if (status < 200 || status > 299) {
        answerText(response).then(
          (text) => reject(failure({ status, statusText: response.statusMessage ?? '', text })),
          (error: Error) => reject(unreachable(options.hub, error)),
        );
        return;
      }
      pipeline(response, out, { end: false }).then(resolve, (error: Error) =>
        reject(new CommandError('incomplete_answer', `the answer to GET ${path} broke off: ${error.message}`, status)),
      );
    });
    // Idle time: a long answer that keeps coming never times out.
    outgoing.once('timeout', () => outgoing.destroy(new Error(`nothing received for ${timeoutMs} ms`)));
    outgoing.once('error', (error) => reject(unreachable(options.hub, error)));
    outgoing.end();
  });
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  async function succeeded(method: HttpMethod, path: string, body: unknown): Promise<Answer> {
    const answer = await exchange(options, method, path, body);
    if (answer.status < 200 || answer.status > 299) throw failure(answer);
    return answer;
  }
  return {
    async call<A>(method: HttpMethod, path: string, codec: t.Decoder<unknown, A>, body?: unknown): Promise<A> {
      const answer = await succeeded(method, path, body);
      const decoded = codec.decode(parseJson(answer.text));
      if (isLeft(decoded)) {
        throw new CommandError('invalid_response', `the hub's answer to ${method} ${path} is not ${codec.name}`, answer.status);
      }
      return decoded.right;
    },
    async send(method: HttpMethod, path: string, body?: unknown): Promise<void> {
      await succeeded(method, path, body);
    },
    download: (path, out) => download(options, path, out),
  };
}
