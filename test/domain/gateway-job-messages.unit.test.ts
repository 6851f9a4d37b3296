import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { TetherError } from '../../domain/errors.js';
import { AgentMessage } from '../../domain/gateway/agent-messages.js';
import { decodeMessage, encodeMessage } from '../../domain/gateway/frame.js';
import { HubMessage } from '../../domain/gateway/hub-messages.js';
import { AgentJobMessage, HubJobMessage, encodeJobMessage } from '../../domain/gateway/job-messages.js';
import type { AgentJobMessage as AgentJobMessageType, HubJobMessage as HubJobMessageType } from '../../domain/gateway/job-messages.js';

const sha256 = 'a'.repeat(64);
const update = {
  type: 'update',
  jobId: 'job-1',
  target: { kind: 'app', name: 'devices', version: '13r2' },
  url: 'https://hub.example/artifacts/devices/devices-131705',
  sha256,
};
const backup = {
  type: 'backup',
  jobId: 'job-2',
  url: 'http://dav.example/backups/acme/001122aabbcc/2025-01-01T00-00-00Z',
  auth: { type: 'digest', username: 'backup', password: 's3cret' },
};

function failure<A>(result: Either<TetherError, A>): TetherError {
  if (!isLeft(result)) throw new Error(`expected a failure, got ${JSON.stringify(result.right)}`);
  return result.left;
}

describe('job control messages', () => {
  it('round-trips every hub job message, alone and as part of HubMessage', () => {
    const messages: HubJobMessageType[] = [
      { type: 'update', jobId: 'job-1', target: { kind: 'firmware', version: '13r2' }, url: 'http://127.0.0.1:8080/fw/ip232/13r2' },
      { type: 'update', jobId: 'job-1', target: { kind: 'app', name: 'devices', version: '13r2' }, url: update.url, sha256 },
      { type: 'update', jobId: 'job-1', target: { kind: 'software', name: 'myappsandroid', version: '13r2' }, url: update.url, sha256 },
      { type: 'backup', jobId: 'job-2', url: backup.url, auth: { type: 'none' } },
      { type: 'backup', jobId: 'job-2', url: backup.url, auth: { type: 'basic', username: 'u', password: 'p' } },
      { type: 'backup', jobId: 'job-2', url: backup.url, auth: { type: 'digest', username: 'u', password: 'p' } },
      { type: 'restore', requestId: 'r-1', url: backup.url, auth: { type: 'none' } },
    ];
    for (const message of messages) {
      const alone = decodeMessage(HubJobMessage, encodeJobMessage(message));
      expect(isRight(alone) && alone.right).toEqual(message);
      const merged = decodeMessage(HubMessage, encodeMessage(message));
      expect(isRight(merged) && merged.right).toEqual(message);
    }
  });

  it('round-trips every agent job message, alone and as part of AgentMessage', () => {
    const messages: AgentJobMessageType[] = [
      { type: 'update-result', jobId: 'job-1', ok: true },
      { type: 'update-result', jobId: 'job-1', ok: false, error: 'sha256 mismatch' },
      { type: 'backup-result', jobId: 'job-2', ok: true, bytes: 1234 },
      { type: 'backup-result', jobId: 'job-2', ok: false, error: 'HTTP 401 Unauthorized' },
      { type: 'restore-result', requestId: 'r-1', ok: true },
      { type: 'restore-result', requestId: 'r-1', ok: false, error: 'HTTP 404 Not Found' },
    ];
    for (const message of messages) {
      const alone = decodeMessage(AgentJobMessage, encodeJobMessage(message));
      expect(isRight(alone) && alone.right).toEqual(message);
      const merged = decodeMessage(AgentMessage, encodeMessage(message));
      expect(isRight(merged) && merged.right).toEqual(message);
    }
  });

  it('names the paths of a bad update', () => {
    const error = failure(
      decodeMessage(HubMessage, JSON.stringify({ ...update, jobId: '', url: 'ftp://x/y', sha256: 'xyz', target: { kind: 'app', version: '' } })),
    );
    expect(error.code).toBe('validation_failed');
    expect(error.details).toEqual(['jobId', 'sha256', 'target.name', 'target.version', 'url']);
    expect(failure(decodeMessage(HubMessage, JSON.stringify({ ...update, target: { kind: 'software', name: '', version: '1' } }))).details).toEqual(['target.name']);
  });

  it('refuses an unknown target kind and a relative URL', () => {
    expect(failure(decodeMessage(HubMessage, JSON.stringify({ ...update, target: { kind: 'os', version: '1' } }))).details).toEqual([
      'target.kind',
    ]);
    expect(failure(decodeMessage(HubMessage, JSON.stringify({ ...update, target: { kind: 'os', version: '1' } }))).message).toContain('expected one of firmware, app, software');
    expect(failure(decodeMessage(HubMessage, JSON.stringify({ ...update, url: '/artifacts/x' }))).details).toEqual(['url']);
    expect(failure(decodeMessage(HubMessage, JSON.stringify({ ...update, target: 'firmware' }))).details).toEqual(['target.kind']);
  });

  it('names the paths of a bad backup and restore', () => {
    expect(failure(decodeMessage(HubMessage, JSON.stringify({ ...backup, auth: { type: 'basic', username: 'u' } }))).details).toEqual([
      'auth.password',
    ]);
    expect(failure(decodeMessage(HubMessage, JSON.stringify({ ...backup, auth: { type: 'ntlm' } }))).details).toEqual(['auth.type']);
    expect(failure(decodeMessage(HubMessage, JSON.stringify({ ...backup, auth: undefined, jobId: 7 }))).details).toEqual(['auth.type', 'jobId']);
    expect(
      failure(decodeMessage(HubMessage, JSON.stringify({ type: 'restore', jobId: 'x', url: backup.url, auth: { type: 'none' } }))).details,
    ).toEqual(['requestId']);
  });

  it('names the paths of bad results and keeps job messages out of the wrong direction', () => {
    expect(failure(decodeMessage(AgentMessage, JSON.stringify({ type: 'update-result', jobId: 'j', ok: 'yes' }))).details).toEqual(['ok']);
    expect(
      failure(decodeMessage(AgentMessage, JSON.stringify({ type: 'backup-result', jobId: 'j', ok: true, bytes: -1, error: 5 }))).details,
    ).toEqual(['bytes', 'error']);
    expect(failure(decodeMessage(AgentMessage, JSON.stringify({ type: 'restore-result', ok: true }))).details).toEqual(['requestId']);
    expect(failure(decodeMessage(AgentMessage, JSON.stringify(update))).details).toEqual(['type']);
    expect(failure(decodeMessage(HubMessage, JSON.stringify({ type: 'update-result', jobId: 'j', ok: true }))).details).toEqual(['type']);
  });
});
