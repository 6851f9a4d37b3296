import { describe, expect, it } from 'vitest';
import { HubAddresses } from '../../agent/hub-addresses.js';

describe('the hub addresses an agent dials', () => {
  it('dials what it was given, in turn, moving on when a connection fails before its welcome', () => {
    const hubs = new HubAddresses(['http://a:1', 'http://b:2'], undefined);
    expect(hubs.current()).toBe('http://a:1');
    hubs.failed();
    expect(hubs.current()).toBe('http://b:2');
    hubs.failed();
    expect(hubs.current()).toBe('http://a:1');
    expect(hubs.saved()).toBeUndefined();
  });

  it('dials what the hub told first, then what it was given; saves what the hub told', () => {
    const hubs = new HubAddresses(['http://a:1'], undefined);
    expect(hubs.tell(['http://c:3', 'http://a:1'])).toBe(true);
    expect(hubs.current()).toBe('http://c:3');
    expect(hubs.saved()).toEqual(['http://c:3', 'http://a:1']);
    expect(hubs.tell(['http://c:3', 'http://a:1'])).toBe(false);
    hubs.failed();
    expect(hubs.current()).toBe('http://a:1');
    hubs.failed();
    expect(hubs.current()).toBe('http://c:3');
  });

  it('starts from what a previous run was told, and ignores what it cannot dial', () => {
    const hubs = new HubAddresses(['http://a:1'], ['not a url', 'https://d']);
    expect(hubs.current()).toBe('https://d');
    expect(hubs.saved()).toEqual(['https://d']);
    expect(hubs.tell(['nonsense'])).toBe(false);
    expect(() => new HubAddresses([], undefined)).toThrow(/give the hub/);
    expect(() => new HubAddresses(['ftp://x'], undefined)).toThrow(/must start with/);
  });
});
