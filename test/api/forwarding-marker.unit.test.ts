import { describe, expect, it } from 'vitest';
import { ForwardingKey, claimsBody } from '../../api/forwarding-marker.js';

const secret = 'cluster-token-secret-0123456789-abcdefghijkl';
const request = { method: 'POST', url: '/api/v1/devicelink/0011223344a1', body: '{"protocol":"tcp","devicePort":22}', clientIp: '::ffff:10.0.0.7' };
const { clientIp, body, ...line } = request;
const at = new Date('2026-01-01T00:00:00.000Z');
const later = (ms: number): Date => new Date(at.getTime() + ms);
/** The node the markers are for, and its key. */
const nodeB = 'node-b';
const keyOfB = (): ForwardingKey => new ForwardingKey(secret, nodeB);
/** The key of the node that makes them. */
const keyOfA = (): ForwardingKey => new ForwardingKey(secret, 'node-a');

describe('a forwarding marker', () => {
  it('proves the request it was made for, with the client address and its body, to a node with the same secret', () => {
    const marker = keyOfA().sign(request, at, nodeB);
    const check = keyOfB().verify(marker, line, later(5000));
    expect(check).toMatchObject({ kind: 'proved', claim: { clientIp } });
    if (check.kind !== 'proved') return;
    expect([claimsBody(check.claim, body), claimsBody(check.claim, ''), claimsBody(check.claim, '{"protocol":"tcp","devicePort":23}')]).toEqual([true, false, false]);
  });

  it('proves nothing for another request, another secret, a stale time or an edited address or body hash, and says why', () => {
    const key = keyOfB();
    const marker = keyOfA().sign(request, at, nodeB);
    const foreign = { kind: 'refused', why: expect.stringContaining('TETHER_TOKEN_SECRET') };
    expect(key.verify(marker, { ...line, method: 'DELETE' }, at)).toEqual(foreign);
    expect(key.verify(marker, { ...line, url: '/api/v1/devicelink/0011223344a2' }, at)).toEqual(foreign);
    expect(new ForwardingKey(`${secret}x`, nodeB).verify(marker, line, at)).toEqual(foreign);
    expect(key.verify(marker, line, later(30_001))).toEqual({ kind: 'refused', why: expect.stringContaining("30 s behind this node's clock") });
    expect(key.verify(marker, line, later(-30_001))).toEqual({ kind: 'refused', why: expect.stringContaining("30 s ahead of this node's clock") });
    const [time, nonce, node, , hash, signature] = marker.split('.');
    expect(key.verify(`${time}.${nonce}.${node}.${Buffer.from('10.0.0.8').toString('base64url')}.${hash}.${signature}`, line, at)).toEqual(foreign);
    expect(key.verify(`${time}.${nonce}.${node}.${Buffer.from(clientIp).toString('base64url')}.${'0'.repeat(64)}.${signature}`, line, at)).toEqual(foreign);
    expect(key.verify(`${time}.AAAAAAAAAAAAAAAA.${node}.${Buffer.from(clientIp).toString('base64url')}.${hash}.${signature}`, line, at)).toEqual(foreign);
    expect(key.verify('', line, at)).toEqual({ kind: 'refused', why: 'the forwarding marker is malformed' });
    expect(key.verify(`${marker}.extra`, line, at)).toEqual({ kind: 'refused', why: 'the forwarding marker is malformed' });
  });

  it('is good for one request: the same marker again is refused while its time is within the skew', () => {
    const peer = keyOfB();
    const sender = keyOfA();
    const marker = sender.sign(request, at, nodeB);
    expect(peer.verify(marker, line, later(1000))).toMatchObject({ kind: 'proved' });
    expect(peer.verify(marker, line, later(2000))).toEqual({ kind: 'refused', why: expect.stringContaining('used already') });
    expect(peer.verify(marker, line, later(29_999))).toEqual({ kind: 'refused', why: expect.stringContaining('used already') });
    expect(peer.verify(marker, line, later(30_001))).toEqual({ kind: 'refused', why: expect.stringContaining('behind') });
    const sameRequestAgain = sender.sign(request, at, nodeB);
    expect(sameRequestAgain).not.toBe(marker);
    expect(peer.verify(sameRequestAgain, line, later(1000))).toMatchObject({ kind: 'proved' });
  });

  it('is good for the node it was made for only: node C refuses one made for node B, even with its name edited', () => {
    const marker = keyOfA().sign(request, at, nodeB);
    const nodeC = new ForwardingKey(secret, 'node-c');
    expect(nodeC.verify(marker, line, at)).toEqual({ kind: 'refused', why: expect.stringContaining('made for hub node node-b, not this one (node-c)') });
    const [time, nonce, , ip, hash, signature] = marker.split('.');
    const renamed = `${time}.${nonce}.${Buffer.from('node-c').toString('base64url')}.${ip}.${hash}.${signature}`;
    expect(nodeC.verify(renamed, line, at)).toEqual({ kind: 'refused', why: expect.stringContaining('TETHER_TOKEN_SECRET') });
    // B still takes it: C's refusals did not spend it.
    expect(keyOfB().verify(marker, line, at)).toMatchObject({ kind: 'proved' });
  });
});
