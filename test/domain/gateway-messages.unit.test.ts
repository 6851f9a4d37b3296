import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { TetherError } from '../../domain/errors.js';
import { AgentMessage } from '../../domain/gateway/agent-messages.js';
import { decodeMessage, encodeMessage, maxControlFrameBytes } from '../../domain/gateway/frame.js';
import { HubMessage } from '../../domain/gateway/hub-messages.js';
import type { HubMessage as HubMessageType } from '../../domain/gateway/hub-messages.js';

const hello = {
  type: 'hello',
  mac: '00:11:22:AA:BB:CC',
  model: 'IP232',
  firmware: '13r1',
  apps: [{ name: 'devices', version: '13r1' }],
  categories: ['phones'],
  agentVersion: '0.1.0',
};

function failure<A>(result: Either<TetherError, A>): TetherError {
  if (!isLeft(result)) throw new Error(`expected a failure, got ${JSON.stringify(result.right)}`);
  return result.left;
}

describe('gateway wire protocol', () => {
  it('decodes a hello, normalizing the MAC', () => {
    const decoded = decodeMessage(AgentMessage, JSON.stringify({ ...hello, password: 'secret', code: 'ABCD' }));
    expect(isRight(decoded) && decoded.right).toEqual({ ...hello, mac: '001122aabbcc', password: 'secret', code: 'ABCD' });
  });

  it('decodes every agent and hub message kind', () => {
    for (const message of [{ type: 'ping' }, { type: 'error-report', message: 'hook failed' }]) {
      expect(isRight(decodeMessage(AgentMessage, JSON.stringify(message)))).toBe(true);
    }
    const hubMessages: HubMessageType[] = [
      { type: 'welcome', state: 'assigned', tenant: 'acme' },
      { type: 'welcome', state: 'unassigned' },
      { type: 'device-password', password: 'p' },
      { type: 'tenant-password', password: 't' },
      { type: 'provisioning-refused', reason: 'used-up' },
      { type: 'pong' },
      { type: 'error', code: 'validation_failed', message: 'bad', details: ['mac'] },
      { type: 'closing', cause: 'superseded' },
      { type: 'closing', cause: 'rate-limited' },
    ];
    for (const message of hubMessages) {
      const decoded = decodeMessage(HubMessage, encodeMessage(message));
      expect(isRight(decoded) && decoded.right).toEqual(message);
    }
  });

  it('names the paths of what is wrong, not the values', () => {
    const error = failure(
      decodeMessage(AgentMessage, JSON.stringify({ ...hello, apps: [{ name: 'x' }], categories: 'phones', password: 42 })),
    );
    expect(error.code).toBe('validation_failed');
    expect(error.details).toEqual(['apps.0.version', 'categories', 'password']);
    expect(error.message).not.toContain('42');
  });

  it('bounds the inventory a hello reports: categories, apps, software and the length of each text', () => {
    const long = 'x'.repeat(201);
    const refused = (fields: object): TetherError => failure(decodeMessage(AgentMessage, JSON.stringify({ ...hello, ...fields })));
    expect(refused({ categories: Array.from({ length: 101 }, (_, i) => `c${i}`) })).toMatchObject({ code: 'validation_failed', details: ['categories'] });
    expect(refused({ categories: ['phones', long] })).toMatchObject({ details: ['categories.1'] });
    expect(refused({ apps: Array.from({ length: 201 }, (_, i) => ({ name: `a${i}`, version: '1' })) })).toMatchObject({ details: ['apps'] });
    expect(refused({ apps: [{ name: 'devices', version: long }] })).toMatchObject({ details: ['apps.0.version'] });
    expect(refused({ model: long, firmware: long })).toMatchObject({ details: ['firmware', 'model'] });
    expect(refused({ software: Array.from({ length: 201 }, (_, i) => ({ name: `s${i}`, version: '1' })) })).toMatchObject({ details: ['software'] });
    expect(refused({ software: Array.from({ length: 201 }, () => ({ name: 's', version: '1' })) }).message).toContain('at most 200 software packages');
    expect(refused({ software: [{ name: long, version: '1' }] })).toMatchObject({ details: ['software.0.name'] });
    expect(refused({ software: [{ name: 'myapps' }] })).toMatchObject({ details: ['software.0.version'] });
    expect(refused({ categories: Array.from({ length: 101 }, () => 'c') }).message).toContain('at most 100 categories');
    const largest = { model: 'm'.repeat(200), categories: Array.from({ length: 100 }, () => 'c'.repeat(200)), apps: Array.from({ length: 100 }, () => ({ name: 'a', version: 'v' })), software: Array.from({ length: 200 }, () => ({ name: 's', version: 'v' })) };
    expect(isRight(decodeMessage(AgentMessage, JSON.stringify({ ...hello, ...largest })))).toBe(true);
  });

  it('answers a malformed MAC with the accepted forms', () => {
    const error = failure(decodeMessage(AgentMessage, JSON.stringify({ ...hello, mac: '00:11:22' })));
    expect(error.details).toEqual(['mac']);
    expect(error.message).toContain('00-11-22-AA-BB-CC');
  });

  it('refuses an unknown message type and a message that is not JSON', () => {
    const unknown = failure(decodeMessage(AgentMessage, JSON.stringify({ type: 'welcome', state: 'assigned' })));
    expect(unknown.details).toEqual(['type']);
    expect(unknown.message).toContain('hello, ping, error-report');
    expect(failure(decodeMessage(AgentMessage, '{"type":')).code).toBe('validation_failed');
    expect(failure(decodeMessage(AgentMessage, '[1,2]')).details).toEqual(['type']);
    expect(failure(decodeMessage(HubMessage, JSON.stringify({ type: 'provisioning-refused', reason: 'late' }))).details).toEqual(['reason']);
  });

  it('refuses a frame over 64 KiB before reading it, counting UTF-8 bytes', () => {
    const padding = 'x'.repeat(maxControlFrameBytes);
    expect(failure(decodeMessage(AgentMessage, JSON.stringify({ ...hello, model: padding }))).code).toBe('payload_too_large');
    // 30,000 three-byte characters: under 64 Ki characters, over 64 KiB.
    const wide = '€'.repeat(30_000);
    expect(failure(decodeMessage(AgentMessage, JSON.stringify({ ...hello, model: wide }))).code).toBe('payload_too_large');
    // agentVersion is not stored, so only the frame bounds it.
    const fits = 'x'.repeat(maxControlFrameBytes - 400);
    expect(isRight(decodeMessage(AgentMessage, JSON.stringify({ ...hello, agentVersion: fits })))).toBe(true);
  });
});
