import { describe, expect, it } from 'vitest';
import { listeningUrl } from '../../api/internal-url.js';

describe('the internal URL a lease records by default', () => {
  it('is the address and port the node listens on, in brackets for IPv6', () => {
    expect(listeningUrl({ address: '127.0.0.1', family: 'IPv4', port: 8080 }, false)).toBe('http://127.0.0.1:8080');
    expect(listeningUrl({ address: '::1', family: 'IPv6', port: 8443 }, true)).toBe('https://[::1]:8443');
    expect(listeningUrl(null, false)).toBe('');
    expect(listeningUrl('/tmp/hub.sock', false)).toBe('');
  });
});
