// A request one hub node forwards to the peer that owns its command carries a marker: an HMAC,
// under a key derived from the cluster-wide token secret, over what the peer must not answer
// differently (method, URL, body), the client's address and the time. The peer answers a marked
// request itself and never forwards it again, so no request loops; a marker that does not
// verify is refused (forwarding_refused), and the forwarding node tells its client the cluster is
// misconfigured rather than that its token is bad. The client's own bearer token rides along: the
// peer authenticates it, and what it records names the client, not a node.
//
// The body's hash is carried in the clear and covered by the HMAC, so the peer checks the marker
// as the request arrives, before the client's token (a node with another secret refuses both),
// and checks the body against it once parsed.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

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
const keyPurpose = 'tether hub node forwarding v2';

const hashOf = (body: string): string => createHash('sha256').update(body).digest('hex');

/** Whether the parsed request's body is the one the marker was made for. */
export const claimsBody = (claim: MarkerClaim, body: string): boolean => claim.bodyHash === hashOf(body);

export class ForwardingKey {
  private readonly key: Buffer;

  constructor(tokenSecret: string) {
    // Derived, not the token secret itself: a marker never helps forge a token.
    this.key = createHmac('sha256', tokenSecret).update(keyPurpose).digest();
  }

  /** `<ms>.<client address, base64url>.<body sha256, hex>.<hmac, hex>` */
  sign(request: ForwardedRequest, at: Date): string {
    const time = String(at.getTime());
    const claim = { clientIp: request.clientIp, bodyHash: hashOf(request.body) };
    return `${time}.${Buffer.from(claim.clientIp).toString('base64url')}.${claim.bodyHash}.${this.mac(request, claim, time)}`;
  }

  /** What the marker proves about this request line, when made with this key recently; why not otherwise. */
  verify(marker: string, request: Pick<ForwardedRequest, 'method' | 'url'>, now: Date): MarkerCheck {
    const [time, ip, bodyHash, signature, ...rest] = marker.split('.');
    if (time === undefined || ip === undefined || bodyHash === undefined || signature === undefined || rest.length > 0 || !/^\d+$/.test(time)) {
      return { kind: 'refused', why: 'the forwarding marker is malformed' };
    }
    const skewMs = now.getTime() - Number(time);
    if (Math.abs(skewMs) > maxSkewMs) {
      const apart = `${Math.round(Math.abs(skewMs) / 1000)} s ${skewMs > 0 ? 'behind' : 'ahead of'}`;
      return { kind: 'refused', why: `the forwarding marker's time is ${apart} this node's clock (at most ${maxSkewMs / 1000} s apart are allowed)` };
    }
    const claim = { clientIp: Buffer.from(ip, 'base64url').toString(), bodyHash };
    const expected = Buffer.from(this.mac(request, claim, time), 'hex');
    const given = Buffer.from(signature, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected)
      ? { kind: 'proved', claim }
      : { kind: 'refused', why: "the forwarding marker was not made with this node's TETHER_TOKEN_SECRET for this request" };
  }

  private mac(request: Pick<ForwardedRequest, 'method' | 'url'>, claim: MarkerClaim, time: string): string {
    return createHmac('sha256', this.key).update([request.method.toUpperCase(), request.url, claim.bodyHash, claim.clientIp, time].join('\n')).digest('hex');
  }
}
