// Proxy profiles (seeds/proxies.txt): given these events, when this command, then these events.
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { parseMac } from '../../domain/device/mac.js';
import { proxyAggregate } from '../../domain/proxy/aggregate.js';
import type { ProxyEvent } from '../../domain/proxy/events.js';
import { decodeProxySettings } from '../../domain/proxy/proxy-settings.js';
import type { ProxySettings } from '../../domain/proxy/proxy-settings.js';
import { given } from '../support/given-when-then.js';

const settings: ProxySettings = { name: 'Grafana', protocol: 'tcp', enabled: true, sourcePort: 5000, target: { type: 'host', address: '192.0.2.10', port: 3000 } };
const created: ProxyEvent = { type: 'ProxyCreated', data: { proxyId: 'grafana_1', settings } };

const errorOf = (body: unknown): { message: string; details: readonly string[] } => {
  const decoded = decodeProxySettings(body, 'body');
  if (!isLeft(decoded)) throw new Error(`expected a refusal of ${JSON.stringify(body)}`);
  return { message: decoded.left.message, details: decoded.left.details };
};

describe('proxy decisions', () => {
  it('creates a profile once; a second create of the same id is refused', () => {
    given(proxyAggregate, []).when({ type: 'CreateProxy', proxyId: 'grafana_1', settings }).then([created]);
    given(proxyAggregate, [created]).when({ type: 'CreateProxy', proxyId: 'grafana_1', settings }).thenFails('already_exists');
  });

  it('refuses an id with special characters', () => {
    given(proxyAggregate, []).when({ type: 'CreateProxy', proxyId: 'grafana 1!', settings }).thenFails('validation_failed');
  });

  it('never changes the id: an edit naming another id is refused', () => {
    given(proxyAggregate, [created]).when({ type: 'UpdateProxy', proxyId: 'other', settings }).thenFails('validation_failed');
  });

  it('records an edit, and nothing when the settings are the same in another key order', () => {
    const edited = { ...settings, sourcePort: 5001 };
    given(proxyAggregate, [created]).when({ type: 'UpdateProxy', proxyId: 'grafana_1', settings: edited }).then([
      { type: 'ProxyUpdated', data: { proxyId: 'grafana_1', settings: edited } },
    ]);
    const reordered: ProxySettings = { target: settings.target, sourcePort: 5000, enabled: true, protocol: 'tcp', name: 'Grafana' };
    given(proxyAggregate, [created]).when({ type: 'UpdateProxy', proxyId: 'grafana_1', settings: reordered }).then([]);
  });

  it('switches enabled off and on, and does nothing when it already holds', () => {
    const disabled: ProxyEvent = { type: 'ProxyDisabled', data: { proxyId: 'grafana_1' } };
    given(proxyAggregate, [created]).when({ type: 'SetProxyEnabled', enabled: false }).then([disabled]);
    given(proxyAggregate, [created]).when({ type: 'SetProxyEnabled', enabled: true }).then([]);
    given(proxyAggregate, [created, disabled]).when({ type: 'SetProxyEnabled', enabled: true }).then([{ type: 'ProxyEnabled', data: { proxyId: 'grafana_1' } }]);
  });

  it('removes a profile for good; its id may name a new profile', () => {
    const removed: ProxyEvent = { type: 'ProxyRemoved', data: { proxyId: 'grafana_1' } };
    given(proxyAggregate, [created]).when({ type: 'RemoveProxy' }).then([removed]);
    given(proxyAggregate, [created, removed]).when({ type: 'RemoveProxy' }).thenFails('not_found');
    given(proxyAggregate, [created, removed]).when({ type: 'SetProxyEnabled', enabled: false }).thenFails('not_found');
    given(proxyAggregate, [created, removed]).when({ type: 'CreateProxy', proxyId: 'grafana_1', settings }).then([created]);
  });
});

describe('proxy settings', () => {
  const device = { tenant: 'acme', device: '00:11:22:AA:BB:CC', address: '127.0.0.1', port: 80 };

  it('takes each protocol with its target, enabled by default', () => {
    const decoded = decodeProxySettings({ id: 'x', name: 'n', protocol: 'http-over-device', sourcePort: 8081, target: { ...device, frameAncestors: ['https://dash.example.com'] } });
    expect(isRight(decoded) && decoded.right).toEqual({
      id: 'x',
      name: 'n',
      protocol: 'http-over-device',
      enabled: true,
      sourcePort: 8081,
      target: { tenant: 'acme', device: parseMac('00:11:22:AA:BB:CC'), address: '127.0.0.1', port: 80, frameAncestors: ['https://dash.example.com'] },
    });
    expect(isRight(decodeProxySettings({ name: 'n', protocol: 'tcp', sourcePort: 1, target: { type: 'plugin', plugin: 'node-red', port: 1880, tls: { verify: false } } }))).toBe(true);
  });

  it('names each bad field and its rule', () => {
    expect(errorOf({ name: 'n', protocol: 'tcp', sourcePort: '5000', target: { type: 'host', address: '10.0.0.1', port: 1 } })).toEqual({
      message: 'sourcePort must be a whole number from 1 to 65535',
      details: ['body.sourcePort'],
    });
    expect(errorOf({ name: 'n', protocol: 'ftp', sourcePort: 1, target: {} }).details).toEqual(['body.protocol']);
    expect(errorOf({ name: 'n', protocol: 'tcp', sourcePort: 1, target: { type: 'cloud' } })).toEqual({ message: 'target.type must be "host" or "plugin"', details: ['body.target.type'] });
    expect(errorOf({ name: 'n', protocol: 'tcp', sourcePort: 1, target: { type: 'host', address: 'not a host', port: 1, tls: { ca: 'nope' } } }).details).toEqual([
      'body.target.address',
      'body.target.tls.ca',
    ]);
    expect(errorOf({ name: 'n', protocol: 'tcp-over-device', sourcePort: 1, target: { ...device, device: 'xx' } }).details).toEqual(['body.target.device']);
  });

  it('refuses fields of another protocol', () => {
    expect(errorOf({ name: 'n', protocol: 'udp', sourcePort: 1, target: { type: 'host', address: '10.0.0.1', port: 1, tls: {} } })).toEqual({
      message: 'target.tls applies to TCP only: a UDP proxy has no TLS',
      details: ['body.target.tls'],
    });
    expect(errorOf({ name: 'n', protocol: 'tcp', sourcePort: 1, timeout: 5000, target: { type: 'host', address: '10.0.0.1', port: 1 } }).details).toEqual(['body.timeout']);
    expect(errorOf({ name: 'n', protocol: 'tcp-over-device', sourcePort: 1, target: { ...device, frameAncestors: ['*'] } }).details).toEqual(['body.target.frameAncestors']);
  });
});
