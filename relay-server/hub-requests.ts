// The relay's messages to the hub's /remote/rsstatus (the seed's register, unregister and
// status), over node:http(s) so that a private CA can be given for an https hub.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isLeft } from 'fp-ts/lib/Either.js';
import { TetherError } from '../domain/errors.js';
import { RsStatusReplyCodec } from '../domain/relay/rsstatus-message.js';

export interface RsStatusAnswer {
  readonly result: 'SUCCESS' | 'FAILURE';
  readonly reason: string;
  readonly message?: string;
}

export interface HubEndpoint {
  /** http(s)://host[:port][/prefix] */
  readonly hub: string;
  readonly ca?: string | Buffer;
  readonly timeoutMs?: number;
}

/** The hub URL with `path` after its own path. */
export function hubUrl(hub: string, path: string, scheme?: 'ws'): URL {
  const url = new URL(hub);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TetherError('invalid_configuration', `--hub must be an http:// or https:// URL (got ${hub})`, ['hub']);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  if (scheme === 'ws') url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url;
}

/** POSTs one message; resolves with the hub's answer, rejects (unavailable) when there is none. */
export function postRsStatus(endpoint: HubEndpoint, message: object): Promise<RsStatusAnswer> {
  const url = hubUrl(endpoint.hub, '/remote/rsstatus');
  const payload = JSON.stringify(message);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const timeoutMs = endpoint.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const outgoing = send(
      url,
      {
        method: 'POST',
        agent: false,
        timeout: timeoutMs,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        ...(endpoint.ca === undefined ? {} : { ca: endpoint.ca }),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('error', (error) => reject(new TetherError('unavailable', `${url.origin}: ${error.message}`)));
        response.once('end', () => {
          let json: unknown;
          try {
            json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            json = undefined;
          }
          const decoded = RsStatusReplyCodec.decode(json);
          if (isLeft(decoded)) {
            reject(new TetherError('unavailable', `${url.href} answered HTTP ${response.statusCode ?? 0} without a relay answer`));
            return;
          }
          resolve(decoded.right as RsStatusAnswer);
        });
      },
    );
    outgoing.once('timeout', () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    outgoing.once('error', (error) => reject(new TetherError('unavailable', `cannot reach ${url.origin}: ${error.message}`)));
    outgoing.end(payload);
  });
}

/**
 * The relay's messages to whichever hub node answers: its registration is in the cluster's
 * store, so any node takes it. The node that answered last is asked first, then the others in
 * the order given; with none reachable, the last node's failure is the answer.
 */
export class AnyHubNode {
  private preferred = 0;

  constructor(
    private readonly hubs: readonly string[],
    private readonly ca?: string | Buffer,
  ) {
    if (hubs.length === 0) throw new TetherError('invalid_configuration', 'a relay needs at least one --hub', ['hub']);
  }

  async post(message: object): Promise<RsStatusAnswer> {
    let failure: unknown;
    for (let tried = 0; tried < this.hubs.length; tried += 1) {
      const index = (this.preferred + tried) % this.hubs.length;
      const hub = this.hubs[index] ?? '';
      try {
        const answer = await postRsStatus({ hub, ...(this.ca === undefined ? {} : { ca: this.ca }) }, message);
        this.preferred = index;
        return answer;
      } catch (error) {
        failure = error;
      }
    }
    throw failure;
  }
}
