// A request one hub node forwards to the peer that owns its command carries a marker: an HMAC,
// under a key derived from the cluster-wide token secret, over what the peer must not answer
// differently (method, URL, body), the client's address, the time and the node it is for. The peer answers a marked
// request itself and never forwards it again, so no request loops; a marker that does not
// verify is refused (forwarding_refused), and the forwarding node tells its client the cluster is
// misconfigured rather than that its token is bad. The client's own bearer token rides along: the
// peer authenticates it, and what it records names the client, not a node.
//
// The body's hash is carried in the clear and covered by the HMAC, so the peer checks the marker
// as the request arrives, before the client's token (a node with another secret refuses both),
// and checks the body against it once parsed.
//
// A marker is good for one request to the node it was made for: it names that node, which alone
// takes it, and carries a random nonce, and a node refuses a marker it has already taken while
// that marker's time is still within the allowed skew, so one captured on a clear-text link
// between nodes cannot be sent again, to that node or another.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const forwardingHeader = 'x-tether-forwarded';

/** What the marker covers; `body` as JSON text ('' for none), as both ends serialise the parsed body. */
export interface ForwardedRequest {
  readonly method: string;
  readonly url: string;
  readonly body: string;
  /** The address the client called the first node from: the peer records it as the caller's. */
  readonly clientIp: string;
}

/** What a marker proves once checked against the request line: the client's address and the body's hash. */
export interface MarkerClaim {
  readonly clientIp: string;
  readonly bodyHash: string;
}

export type MarkerCheck = { readonly kind: 'proved'; readonly claim: MarkerClaim } | { readonly kind: 'refused'; readonly why: string };

/** How far the two nodes' clocks and the hop may put a marker from the peer's now. */
const maxSkewMs = 30_000;
const keyPurpose = 'tether hub node forwarding v4';

const hashOf = (body: string): string => createHash('sha256').update(body).digest('hex');

/** Whether the parsed request's body is the one the marker was made for. */
export const claimsBody = (claim: MarkerClaim, body: string): boolean => claim.bodyHash === hashOf(body);

export class ForwardingKey {
  private readonly key: Buffer;
  /** Markers taken, by signature, until their time is past the allowed skew; in the order taken. */
  private readonly taken = new Map<string, number>();

  /** `nodeId`: this node, the only one whose markers it takes. */
  constructor(
    tokenSecret: string,
    private readonly nodeId: string,
  ) {
    // Derived, not the token secret itself: a marker never helps forge a token.
    this.key = createHmac('sha256', tokenSecret).update(keyPurpose).digest();
  }

  /** For the node `forNode`: `<ms>.<nonce, base64url>.<node, base64url>.<client address, base64url>.<body sha256, hex>.<hmac, hex>` */
  sign(request: ForwardedRequest, at: Date, forNode: string): string {
    const once = { time: String(at.getTime()), nonce: randomBytes(12).toString('base64url'), node: forNode };
    const claim = { clientIp: request.clientIp, bodyHash: hashOf(request.body) };
    const fields = [once.time, once.nonce, Buffer.from(forNode).toString('base64url'), Buffer.from(claim.clientIp).toString('base64url'), claim.bodyHash];
    return `${fields.join('.')}.${this.mac(request, claim, once)}`;
  }

  /** What the marker proves about this request line, when made with this key for this node recently and not taken before; why not otherwise. */
  verify(marker: string, request: Pick<ForwardedRequest, 'method' | 'url'>, now: Date): MarkerCheck {
    const [time, nonce, forNode, ip, bodyHash, signature, ...rest] = marker.split('.');
    if (time === undefined || nonce === undefined || forNode === undefined || ip === undefined || bodyHash === undefined || signature === undefined || rest.length > 0 || !/^\d+$/.test(time)) {
      return { kind: 'refused', why: 'the forwarding marker is malformed' };
    }
    const node = Buffer.from(forNode, 'base64url').toString();
    if (node !== this.nodeId) return { kind: 'refused', why: `the forwarding marker was made for hub node ${node}, not this one (${this.nodeId})` };
    const skewMs = now.getTime() - Number(time);
    if (Math.abs(skewMs) > maxSkewMs) {
      const apart = `${Math.round(Math.abs(skewMs) / 1000)} s ${skewMs > 0 ? 'behind' : 'ahead of'}`;
      return { kind: 'refused', why: `the forwarding marker's time is ${apart} this node's clock (at most ${maxSkewMs / 1000} s apart are allowed)` };
    }
    const claim = { clientIp: Buffer.from(ip, 'base64url').toString(), bodyHash };
    const expected = Buffer.from(this.mac(request, claim, { time, nonce, node }), 'hex');
    const given = Buffer.from(signature, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { kind: 'refused', why: "the forwarding marker was not made with this node's TETHER_TOKEN_SECRET for this request" };
    }
    return this.take(signature, Number(time), now) ? { kind: 'proved', claim } : { kind: 'refused', why: 'the forwarding marker was used already: a marker is good for one request' };
  }

  /** False when the marker was taken before; markers whose time is past the skew are forgotten, as they are refused anyway. */
  private take(signature: string, time: number, now: Date): boolean {
    for (const [taken, expires] of this.taken) {
      if (expires >= now.getTime()) break;
      this.taken.delete(taken);
    }
    if (this.taken.has(signature)) return false;
    this.taken.set(signature, Math.max(time + maxSkewMs, now.getTime()));
    return true;
  }

  private mac(request: Pick<ForwardedRequest, 'method' | 'url'>, claim: MarkerClaim, once: { readonly time: string; readonly nonce: string; readonly node: string }): string {
    return createHmac('sha256', this.key)
      .update([request.method.toUpperCase(), request.url, claim.bodyHash, claim.clientIp, once.time, once.nonce, once.node].join('\n'))
      .digest('hex');
  }
}
