import { describe, it } from 'vitest';
import { parseMac } from '../../domain/device/mac.js';
import { restoreAggregate } from '../../domain/restore/aggregate.js';
import type { RestoreCommand } from '../../domain/restore/commands.js';
import type { RestoreEvent } from '../../domain/restore/events.js';
import { given } from '../support/given-when-then.js';

// given-when-then's clock stands at 2026-01-01T00:00:00Z.
const requestId = '9a1b2c3d-0000-4000-8000-000000000001';
const mac = parseMac('00:11:22:aa:bb:cc');
const deadline = '2026-01-01T00:05:00.000Z';

const request: RestoreCommand = {
  type: 'RequestRestore',
  requestId,
  mac,
  tenantId: 'acme',
  url: 'https://user:secret@dav.example/acme/001122aabbcc/20260101T000000Z?sig=abc#x',
  auth: { type: 'digest', username: 'restorer', password: 'not recorded' },
  timeoutMs: 300_000,
};
const requested: RestoreEvent = {
  type: 'RestoreRequested',
  data: { requestId, mac, tenantId: 'acme', source: 'https://dav.example/acme/001122aabbcc/20260101T000000Z', auth: 'digest', username: 'restorer', deadline },
};
const succeeded: RestoreEvent = { type: 'RestoreSucceeded', data: { requestId } };

describe('restore decide', () => {
  it('records the request without the password, the URL credentials, the query or the fragment', () => {
    given(restoreAggregate, []).when(request).then([requested]);
  });

  it('refuses a second request under the same id', () => {
    given(restoreAggregate, [requested]).when(request).thenFails('already_exists');
  });

  it('records the device\'s answer once; a late or repeated answer changes nothing', () => {
    given(restoreAggregate, [requested]).when({ type: 'SettleRestore', outcome: { ok: false, cause: 'device-failed', error: 'GET: 401' } }).then([
      { type: 'RestoreFailed', data: { requestId, cause: 'device-failed', error: 'GET: 401' } },
    ]);
    given(restoreAggregate, [requested, succeeded]).when({ type: 'SettleRestore', outcome: { ok: true } }).then([]);
  });

  it('times out by the clock, not by the timer', () => {
    given(restoreAggregate, [requested]).when({ type: 'ExpireRestore' }, { now: new Date('2026-01-01T00:04:59.999Z') }).then([]);
    given(restoreAggregate, [requested]).when({ type: 'ExpireRestore' }, { now: new Date(deadline) }).then([{ type: 'RestoreFailed', data: { requestId, cause: 'timeout' } }]);
    given(restoreAggregate, [requested, succeeded]).when({ type: 'ExpireRestore' }, { now: new Date(deadline) }).then([]);
  });
});
