// The web console at `/`: its files as they are, every other path outside the hub's own
// answered with its page, and the hub's own paths (API, docs, gateway) with their JSON 404
// as before. A hub without a built console has none.
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub } from './hub-harness.js';
import type { TestHub } from './hub-harness.js';

const page = '<!doctype html><title>console</title>';
let consoleDir: string;
let hub: TestHub;
let bare: TestHub;

beforeAll(async () => {
  consoleDir = mkdtempSync(join(tmpdir(), 'tether-console-'));
  writeFileSync(join(consoleDir, 'index.html'), page);
  writeFileSync(join(consoleDir, 'app.js'), 'export {};');
  mkdirSync(join(consoleDir, 'assets'));
  writeFileSync(join(consoleDir, 'assets', 'logo.svg'), '<svg/>');
  hub = await startTestHub({ consoleDir });
  bare = await startTestHub({ consoleDir: join(consoleDir, 'missing') });
});

afterAll(async () => {
  await hub.close();
  await bare.close();
  rmSync(consoleDir, { recursive: true, force: true });
});

describe('the web console', () => {
  it('is the page at / and at every console path', async () => {
    for (const url of ['/', '/devices', '/devices/001122334455', '/jobs?state=running']) {
      const response = await hub.call({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.body).toBe(page);
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['content-security-policy']).toBe("frame-ancestors 'none'");
    }
  });

  it('never serves its page without the framing guard', async () => {
    // Its file is not served as such: only the console's paths answer with it.
    expect((await hub.call({ method: 'GET', url: '/index.html' })).statusCode).toBe(404);
  });

  it('serves its files as they are', async () => {
    const script = await hub.call({ method: 'GET', url: '/app.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toContain('javascript');
    expect((await hub.call({ method: 'GET', url: '/assets/logo.svg' })).body).toBe('<svg/>');
  });

  it('leaves the hub\'s own paths their JSON 404', async () => {
    for (const url of ['/api/v1/nope', '/api', '/api/v2/devices', '/docs/nope', '/gateway', '/relay', '/socket.io/nope', '/artifacts/x']) {
      const response = await hub.call({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.json(), url).toEqual({ error: { code: 'not_found', message: `no route for GET ${url}`, details: [] } });
    }
    // A DeviceLink close token never reaches the answer (nor the log, which takes the same message).
    const secret = 'closing-token-secret-part';
    const link = await hub.call({ method: 'GET', url: `/api/v1/devicelink/${randomUUID()}.${secret}` });
    expect(link.statusCode).toBe(404);
    expect(link.body).not.toContain(secret);
    const posted = await hub.call({ method: 'POST', url: '/devices' });
    expect(posted.statusCode).toBe(404);
    expect(posted.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('keeps the API and its OpenAPI document as they were', async () => {
    expect((await hub.call({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await hub.call({ method: 'GET', url: '/api/v1/devices' })).statusCode).toBe(401);
    const paths = Object.keys((await hub.call({ method: 'GET', url: '/docs/json' })).json<{ paths: object }>().paths);
    expect(paths.some((path) => !path.startsWith('/api/') && !['/healthz', '/readyz', '/metrics', '/remote/rsstatus'].includes(path))).toBe(false);
  });

  it('is absent from a hub whose console was not built', async () => {
    const response = await bare.call({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
