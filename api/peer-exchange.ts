// One request to a peer hub node and its whole answer, within a time bound of the caller's. On
// node:http(s) rather than fetch: Node 20's fetch gives up on its own after 300 s without the
// headers (undici's default, which cannot be changed without the undici package), and a forwarded
// restore may rightly wait longer. An https peer is verified against Node's trusted CAs, which
// NODE_EXTRA_CA_CERTS extends with a private CA.
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Clock } from '../domain/ports/clock.js';
import { answerText } from '../wire/answer-text.js';

export interface PeerRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  /** '' for none. */
  readonly body: string;
}

export type PeerExchange =
  | { readonly kind: 'answered'; readonly status: number; readonly header: (name: string) => string | undefined; readonly text: string }
  | { readonly kind: 'timed-out' }
  | { readonly kind: 'unreachable'; readonly error: Error };

const headerOf = (response: IncomingMessage) => (name: string): string | undefined => {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
};

/** Never rejects: the outcome says whether the peer answered in time. The clock bounds headers and body together. */
export function exchangeWithPeer(asked: PeerRequest, timeoutMs: number, clock: Clock): Promise<PeerExchange> {
  const url = new URL(asked.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers = asked.body === '' ? asked.headers : { ...asked.headers, 'content-length': String(Buffer.byteLength(asked.body)) };
  return new Promise((resolve) => {
    let outOfTime = false;
    const outgoing = send(url, { method: asked.method, headers });
    const deadline = clock.at(new Date(clock.now().getTime() + timeoutMs), () => {
      outOfTime = true;
      outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`));
    });
    const settle = (outcome: PeerExchange): void => {
      deadline.cancel();
      resolve(outcome);
    };
    // Whichever of the request and the response reports the cut first, it is the deadline's.
    const failed = (error: Error): void => settle(outOfTime ? { kind: 'timed-out' } : { kind: 'unreachable', error });
    outgoing.once('response', (response: IncomingMessage) => {
      answerText(response).then((text) => settle({ kind: 'answered', status: response.statusCode ?? 0, header: headerOf(response), text }), failed);
    });
    outgoing.once('error', failed);
    outgoing.end(asked.body === '' ? undefined : asked.body);
  });
}
