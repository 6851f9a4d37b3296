import { describe, expect, it } from 'vitest';
import { instanceAggregate } from '../../domain/instance/aggregate.js';
import { HubUrls } from '../../domain/instance/hub-url.js';
import { given } from '../support/given-when-then.js';

describe('instance admin', () => {
  it('is initialized once, with the hash it is given', () => {
    given(instanceAggregate, [])
      .when({ type: 'InitializeAdmin', passwordHash: 'scrypt$h' })
      .then([{ type: 'AdminPasswordSet', data: { passwordHash: 'scrypt$h' } }]);
  });

  it('refuses a second initialization', () => {
    given(instanceAggregate, [{ type: 'AdminPasswordSet', data: { passwordHash: 'scrypt$h' } }])
      .when({ type: 'InitializeAdmin', passwordHash: 'scrypt$other' })
      .thenFails('already_exists');
  });

  it('sets the hub address once initialized, and again only when it changes', () => {
    const initialized = [{ type: 'AdminPasswordSet' as const, data: { passwordHash: 'scrypt$h' } }];
    const urls = ['https://hub.example.com', 'wss://10.0.0.1:8443'] as unknown as HubUrls;
    given(instanceAggregate, initialized).when({ type: 'SetHubAddress', urls }).then([{ type: 'HubAddressSet', data: { urls } }]);
    given(instanceAggregate, [...initialized, { type: 'HubAddressSet', data: { urls } }]).when({ type: 'SetHubAddress', urls }).then([]);
    given(instanceAggregate, []).when({ type: 'SetHubAddress', urls }).thenFails('transition_forbidden');
  });

  it('takes 1 to 8 distinct http(s) or ws(s) URLs as the hub address', () => {
    expect(HubUrls.is(['https://hub.example.com', 'http://127.0.0.1:8080/base'])).toBe(true);
    for (const bad of [[], ['ftp://hub'], ['https://'], ['hub.example.com'], ['https://a b'], ['https://a', 'https://a'], Array.from({ length: 9 }, (_, i) => `https://h${i}`), [`https://${'a'.repeat(600)}`]]) {
      expect(HubUrls.is(bad)).toBe(false);
    }
  });
});
