import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

describe('health', () => {
  let t: TestHub;

  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => t.close());

  it('answers /healthz and, once caught up, /readyz without a token', async () => {
    expect((await t.call({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    await t.hub.readModels.waitFor(await t.head(), 5000);
    const ready = await t.call({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready' });
  });

  it('answers /readyz with 503 while the read models are not running, /healthz still 200', async () => {
    await t.hub.readModels.stop();
    const response = await t.call({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect((response.json() as { error: { code: string } }).error.code).toBe('unavailable');
    expect((await t.call({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
