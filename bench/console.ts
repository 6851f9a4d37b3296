// `npm run bench -- console`: the web console in Chromium with 10,000 devices in the read
// model (TETHER_BENCH_CONSOLE_DEVICES): time from navigation to the first render of the full
// device list, then 100 live changes per second (TETHER_BENCH_CONSOLE_RATE) for 10 s to the
// devices on its first page: how many the page showed, how long after their append, and the
// main thread's long tasks meanwhile. The devices are recorded through the device aggregate of
// an in-process hub, as its gateway would record them, without 10,000 sockets.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { buildHub } from '../api/hub.js';
import type { Hub } from '../api/hub.js';
import { deviceAggregate } from '../domain/device/aggregate.js';
import type { Mac } from '../domain/device/mac.js';
import { systemPrincipal } from '../domain/principal.js';
import { launchChromium } from '../test/e2e/console-browser.js';
import { figure, note, percentile } from './figures.js';

const adminPassword = 'console-bench-admin-password';
const tenant = 'bench';
const consoleDir = fileURLToPath(new URL('../console/', import.meta.url));
const context = { principal: systemPrincipal };
const inventory = { model: 'IP232', firmware: '13r1', apps: [], software: [], categories: ['phones'] };

const count = (name: string, fallback: number): number => {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
};

const macOf = (i: number): Mac => `02${i.toString(16).padStart(10, '0')}` as Mac;

/** Every device connected once, assigned to the tenant and gone offline again. */
async function seed(hub: Hub, devices: number): Promise<void> {
  const one = async (i: number): Promise<void> => {
    const mac = macOf(i);
    const connectionId = `seed-${i}`;
    await hub.runtime.execute(deviceAggregate, mac, { type: 'RecordConnection', mac, connectionId, ip: '127.0.0.1', inventory, passwordValid: false, nodeId: 'bench' }, context);
    await hub.runtime.execute(deviceAggregate, mac, { type: 'AssignDevice', tenantId: tenant, passwordHash: 'not-a-real-hash', via: 'admin' }, context);
    await hub.runtime.execute(deviceAggregate, mac, { type: 'RecordDisconnection', connectionId, cause: 'closed' }, context);
  };
  const lanes = 32;
  await Promise.all(Array.from({ length: lanes }, async (_, lane) => {
    for (let i = lane; i < devices; i += lanes) await one(i);
  }));
  const head = await hub.store.headPosition();
  while (hub.readModels.position() < head) await new Promise((resolve) => setTimeout(resolve, 50));
}

interface Seen {
  readonly mac: string;
  readonly state: string;
  readonly t: number;
}

/** Records, in the page, when each row of the first page shows a new state. */
function watchRows(page: Page): Promise<void> {
  return page.evaluate(() => {
    const seen: Seen[] = [];
    const shown = new Map<string, string>();
    const view = globalThis as unknown as {
      document: { querySelectorAll(selector: string): Iterable<{ getAttribute(name: string): string | null; querySelector(selector: string): { textContent: string | null } | null }>; querySelector(selector: string): unknown };
      MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void };
      benchSeen: Seen[];
    };
    const look = (): void => {
      const t = Date.now();
      for (const row of view.document.querySelectorAll('tr[data-mac]')) {
        const mac = row.getAttribute('data-mac') ?? '';
        const state = row.querySelector('[data-state]')?.textContent ?? '';
        if (shown.get(mac) !== state) seen.push({ mac, state, t });
        shown.set(mac, state);
      }
    };
    look();
    seen.length = 0;
    new view.MutationObserver(look).observe(view.document.querySelector('tbody'), { subtree: true, childList: true, characterData: true });
    view.benchSeen = seen;
  });
}

async function longTasksMs(page: Page, run: () => Promise<void>): Promise<number> {
  await page.evaluate(() => {
    const view = globalThis as unknown as { benchLong: number; PerformanceObserver: new (callback: (list: { getEntries(): { duration: number }[] }) => void) => { observe(options: object): void } };
    view.benchLong = 0;
    new view.PerformanceObserver((list) => list.getEntries().forEach((entry) => (view.benchLong += entry.duration))).observe({ type: 'longtask' });
  });
  await run();
  return page.evaluate(() => (globalThis as unknown as { benchLong: number }).benchLong);
}

export async function consoleBenchmark(): Promise<void> {
  const devices = count('TETHER_BENCH_CONSOLE_DEVICES', 10_000);
  const perSecond = count('TETHER_BENCH_CONSOLE_RATE', 100);
  const seconds = 10;
  const dataDir = mkdtempSync(join(tmpdir(), 'tether-console-bench-'));
  const hub = await buildHub({ dataDir, nodeId: 'bench', adminPassword, logLevel: 'warn', consoleDir });
  const browser = await launchChromium();
  try {
    await hub.app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(hub.app.server.address() as AddressInfo).port}/`;
    const token = (await hub.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { password: adminPassword } })).json<{ token: string }>().token;
    await hub.app.inject({ method: 'POST', url: '/api/v1/tenants', headers: { authorization: `Bearer ${token}` }, payload: { id: tenant, name: 'Bench', password: 'bench-tenant-password' } });
    const seeding = performance.now();
    await seed(hub, devices);
    note(`${devices.toLocaleString('en-US')} devices recorded in ${Math.round(performance.now() - seeding)} ms (not a figure of the console)`);

    const page = await browser.newPage();
    await page.addInitScript((held) => (globalThis as unknown as { sessionStorage: { setItem(key: string, value: string): void } }).sessionStorage.setItem('tether.token', held), token);
    const started = performance.now();
    await page.goto(url);
    await page.locator('p.count').filter({ hasText: `${devices} of ${devices} devices` }).waitFor({ timeout: 120_000 });
    await page.locator('tr[data-mac]').nth(49).waitFor();
    figure(`first render of the device list (${devices.toLocaleString('en-US')} devices)`, performance.now() - started, 'ms');

    await watchRows(page);
    const firstPage = Array.from({ length: 50 }, (_, i) => macOf(i));
    const connections = new Map<string, string>();
    const appended: Seen[] = [];
    const total = perSecond * seconds;
    const long = await longTasksMs(page, async () => {
      const start = performance.now();
      for (let i = 0; i < total; i += 1) {
        const wait = start + (i * 1000) / perSecond - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const mac = firstPage[i % firstPage.length] ?? macOf(0);
        const live = connections.get(mac);
        if (live === undefined) {
          const connectionId = `live-${i}`;
          await hub.runtime.execute(deviceAggregate, mac, { type: 'RecordConnection', mac, connectionId, ip: '127.0.0.1', inventory, passwordValid: true, nodeId: 'bench' }, context);
          connections.set(mac, connectionId);
          appended.push({ mac, state: 'online', t: Date.now() });
        } else {
          await hub.runtime.execute(deviceAggregate, mac, { type: 'RecordDisconnection', connectionId: live, cause: 'closed' }, context);
          connections.delete(mac);
          appended.push({ mac, state: 'offline', t: Date.now() });
        }
      }
      await page.waitForFunction((wanted) => (globalThis as unknown as { benchSeen: unknown[] }).benchSeen.length >= wanted, total, { timeout: 10_000 }).catch(() => undefined);
    });
    const seen = await page.evaluate(() => (globalThis as unknown as { benchSeen: Seen[] }).benchSeen);
    const lags: number[] = [];
    const pending = new Map<string, Seen[]>();
    for (const change of appended) pending.set(change.mac, [...(pending.get(change.mac) ?? []), change]);
    for (const shown of seen) {
      const change = pending.get(shown.mac)?.shift();
      if (change !== undefined && change.state === shown.state) lags.push(Math.max(0, shown.t - change.t));
    }
    lags.sort((a, b) => a - b);
    figure(`live changes shown of ${total} (${perSecond}/s for ${seconds} s)`, lags.length, 'changes', { op: '>=', value: total });
    figure('  append to row shown, p50', percentile(lags, 50), 'ms');
    figure('  append to row shown, p95', percentile(lags, 95), 'ms');
    figure('  append to row shown, max', lags.at(-1) ?? Number.NaN, 'ms');
    figure('  main-thread long tasks meanwhile', long, 'ms');
  } finally {
    await browser.close();
    await hub.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
