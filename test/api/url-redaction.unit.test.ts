import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../api/url-redaction.js';

describe('redactUrl', () => {
  it.each([
    ['/api/v1/devicelink/7d0c6a0e-1b7e-4a57-9d53-2f8f3a7b9c10.abc', '/api/v1/devicelink/[redacted]'],
    ['/api/v1/devicelink/not-a-token?x=1', '/api/v1/devicelink/[redacted]?x=1'],
    ['/api/v1/devicelink/%E0%A4%A', '/api/v1/devicelink/[redacted]'],
    ['/api/v1/devices?q=x&token=abc&Password=p', '/api/v1/devices?q=x&token=[redacted]&Password=[redacted]'],
    ['https://user:pass@example.com/b?code=1', 'https://[redacted]@example.com/b?code=[redacted]'],
  ])('redacts %s', (url, expected) => expect(redactUrl(url)).toBe(expected));

  it.each(['/api/v1/devicelink/00:11:22:AA:BB:CC', '/api/v1/devicelink/001122aabbcc', '/api/v1/devicelink/00-11-22-aa-bb-cc', '/api/v1/sessions/abc?limit=5', '/api/v1/devicelink/'])(
    'keeps %s as it is',
    (url) => expect(redactUrl(url)).toBe(url),
  );
});
