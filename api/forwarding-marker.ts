// A request one hub node forwards to the peer that owns its command carries a marker: an HMAC,
// under a key derived from the cluster-wide token secret, over what the peer must not answer
// differently (method, URL, body), the client's address and the time. The peer answers a marked
// request itself and never forwards it again, so no request loops; a marker that does not
// verify is refused. The client's own bearer token rides along: the peer authenticates it, and
// what it records names the client, not a node.
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

/** How far the two nodes' clocks and the hop may put a marker from the peer's now. */
const maxSkewMs = 30_000;
const keyPurpose = 'tether hub node forwarding v1';

export class ForwardingKey {
  private readonly key: Buffer;

  constructor(tokenSecret: string) {
    // Derived, not the token secret itself: a marker never helps forge a token.
    this.key = createHmac('sha256', tokenSecret).update(keyPurpose).digest();
  }

  /** `<ms>.<client address, base64url>.<hmac, hex>` */
  sign(request: ForwardedRequest, at: Date): string {
    const time = String(at.getTime());
    return `${time}.${Buffer.from(request.clientIp).toString('base64url')}.${this.mac(request, time)}`;
  }

  /** The client's address when the marker was made with this key for this request, recently; undefined otherwise. */
  verify(marker: string, request: Omit<ForwardedRequest, 'clientIp'>, now: Date): string | undefined {
    const [time, ip, signature, ...rest] = marker.split('.');
    if (time === undefined || ip === undefined || signature === undefined || rest.length > 0 || !/^\d+$/.test(time)) return undefined;
    if (Math.abs(now.getTime() - Number(time)) > maxSkewMs) return undefined;
    const clientIp = Buffer.from(ip, 'base64url').toString();
    const expected = Buffer.from(this.mac({ ...request, clientIp }, time), 'hex');
    const given = Buffer.from(signature, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected) ? clientIp : undefined;
  }

  private mac(request: ForwardedRequest, time: string): string {
    const body = createHash('sha256').update(request.body).digest('hex');
    return createHmac('sha256', this.key).update([request.method.toUpperCase(), request.url, body, request.clientIp, time].join('\n')).digest('hex');
  }
}
