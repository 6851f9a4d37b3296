import { describe, expect, it } from 'vitest';
import { ForwardingKey, claimsBody } from '../../api/forwarding-marker.js';

const secret = 'cluster-token-secret-0123456789-abcdefghijkl';
const request = { method: 'POST', url: '/api/v1/devicelink/0011223344a1', body: '{"protocol":"tcp","devicePort":22}', clientIp: '::ffff:10.0.0.7' };
const { clientIp, body, ...line } = request;
const at = new Date('2026-01-01T00:00:00.000Z');
const later = (ms: number): Date => new Date(at.getTime() + ms);

describe('a forwarding marker', () => {
  it('proves the request it was made for, with the client address and its body, to a node with the same secret', () => {
    const marker = new ForwardingKey(secret).sign(request, at);
    const check = new ForwardingKey(secret).verify(marker, line, later(5000));
    expect(check).toMatchObject({ kind: 'proved', claim: { clientIp } });
    if (check.kind !== 'proved') return;
    expect([claimsBody(check.claim, body), claimsBody(check.claim, ''), claimsBody(check.claim, '{"protocol":"tcp","devicePort":23}')]).toEqual([true, false, false]);
  });

  it('proves nothing for another request, another secret, a stale time or an edited address or body hash, and says why', () => {
    const key = new ForwardingKey(secret);
    const marker = key.sign(request, at);
    const foreign = { kind: 'refused', why: expect.stringContaining('TETHER_TOKEN_SECRET') };
    expect(key.verify(marker, { ...line, method: 'DELETE' }, at)).toEqual(foreign);
    expect(key.verify(marker, { ...line, url: '/api/v1/devicelink/0011223344a2' }, at)).toEqual(foreign);
    expect(new ForwardingKey(`${secret}x`).verify(marker, line, at)).toEqual(foreign);
    expect(key.verify(marker, line, later(30_001))).toEqual({ kind: 'refused', why: expect.stringContaining("30 s behind this node's clock") });
    expect(key.verify(marker, line, later(-30_001))).toEqual({ kind: 'refused', why: expect.stringContaining("30 s ahead of this node's clock") });
    const [time, nonce, , hash, signature] = marker.split('.');
    expect(key.verify(`${time}.${nonce}.${Buffer.from('10.0.0.8').toString('base64url')}.${hash}.${signature}`, line, at)).toEqual(foreign);
    expect(key.verify(`${time}.${nonce}.${Buffer.from(clientIp).toString('base64url')}.${'0'.repeat(64)}.${signature}`, line, at)).toEqual(foreign);
    expect(key.verify(`${time}.AAAAAAAAAAAAAAAA.${Buffer.from(clientIp).toString('base64url')}.${hash}.${signature}`, line, at)).toEqual(foreign);
    expect(key.verify('', line, at)).toEqual({ kind: 'refused', why: 'the forwarding marker is malformed' });
    expect(key.verify(`${marker}.extra`, line, at)).toEqual({ kind: 'refused', why: 'the forwarding marker is malformed' });
  });

  it('is good for one request: the same marker again is refused while its time is within the skew', () => {
    const peer = new ForwardingKey(secret);
    const sender = new ForwardingKey(secret);
    const marker = sender.sign(request, at);
    expect(peer.verify(marker, line, later(1000))).toMatchObject({ kind: 'proved' });
    expect(peer.verify(marker, line, later(2000))).toEqual({ kind: 'refused', why: expect.stringContaining('used already') });
    expect(peer.verify(marker, line, later(29_999))).toEqual({ kind: 'refused', why: expect.stringContaining('used already') });
    expect(peer.verify(marker, line, later(30_001))).toEqual({ kind: 'refused', why: expect.stringContaining('behind') });
    const sameRequestAgain = sender.sign(request, at);
    expect(sameRequestAgain).not.toBe(marker);
    expect(peer.verify(sameRequestAgain, line, later(1000))).toMatchObject({ kind: 'proved' });
  });
});
