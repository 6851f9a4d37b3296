import { describe, expect, it } from 'vitest';
import { ForwardingKey } from '../../api/forwarding-marker.js';

const secret = 'cluster-token-secret-0123456789-abcdefghijkl';
const request = { method: 'POST', url: '/api/v1/devicelink/0011223344a1', body: '{"protocol":"tcp","devicePort":22}', clientIp: '::ffff:10.0.0.7' };
const { clientIp, ...asked } = request;
const at = new Date('2026-01-01T00:00:00.000Z');
const later = (ms: number): Date => new Date(at.getTime() + ms);

describe('a forwarding marker', () => {
  it('proves the request it was made for, with the client address, to a node with the same secret', () => {
    const marker = new ForwardingKey(secret).sign(request, at);
    expect(new ForwardingKey(secret).verify(marker, asked, later(5000))).toBe(clientIp);
  });

  it('proves nothing for another request, another secret, a stale time or an edited address', () => {
    const key = new ForwardingKey(secret);
    const marker = key.sign(request, at);
    expect(key.verify(marker, { ...asked, method: 'DELETE' }, at)).toBeUndefined();
    expect(key.verify(marker, { ...asked, url: '/api/v1/devicelink/0011223344a2' }, at)).toBeUndefined();
    expect(key.verify(marker, { ...asked, body: '' }, at)).toBeUndefined();
    expect(new ForwardingKey(`${secret}x`).verify(marker, asked, at)).toBeUndefined();
    expect(key.verify(marker, asked, later(30_001))).toBeUndefined();
    expect(key.verify(marker, asked, later(-30_001))).toBeUndefined();
    const [time, , signature] = marker.split('.');
    expect(key.verify(`${time}.${Buffer.from('10.0.0.8').toString('base64url')}.${signature}`, asked, at)).toBeUndefined();
    expect(key.verify('', asked, at)).toBeUndefined();
    expect(key.verify(`${marker}.extra`, asked, at)).toBeUndefined();
  });
});
