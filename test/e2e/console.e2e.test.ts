// Acceptance for the web console: headless Chromium drives the real console of a real
// `tether serve` while real `tether agent` processes come and go. Sign in; a device comes
// online without a reload and is assigned; a tenant-admin issues a provisioning code and never
// hears of another tenant's device; a dropped socket resumes by position; a DeviceLink carries
// an HTTP fetch and its close shows cause and bytes; an update job's bar reaches 100 % and a
// running one is paused, resumed and canceled; grants, proxies and session timelines; an
// auditor (signed in by keyboard) has no write buttons, a write through its console is refused,
// and it travels in time, verifies the chain and exports events. Forms show the API's error
// beside the field; a device's details keep what is typed while a live change to the device
// comes in. The views each role gets are those the hub's permission table lets it read. Each
// view is screenshotted for the README and checked with axe-core.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMac } from '../../domain/device/mac.js';
import { CuttableRelay, chromiumPath, launchChromium, screenshot, seriousViolations } from './console-browser.js';
import { assertBuilt, eventually, freePort, freePortOutside, login, ready, runCli, serve, terminate } from './tether-process.js';
import type { TetherProcess } from './tether-process.js';

// The hub's DeviceLink ports: a proxy may not take one.
const linkPorts = { from: 44500, to: 44599 };

const adminPassword = 'console-e2e-admin-password';
const macs = { assigned: '0211000000a1', acme: '0211000000a2', globex: '0211000000b1', held: '0211000000c1' };
const firmwareBuild = '131706';

let dir: string;
let hub: TetherProcess;
let relay: CuttableRelay;
let consoleUrl: string;
let token: string;
let browser: Browser;
let admin: Page;
const agents = new Map<string, TetherProcess>();
const target = createServer((_request, response) => response.end('hello from the device'));

async function api(method: string, path: string, body?: object, bearer = token): Promise<Response> {
  return fetch(`${hub.baseUrl}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
}

async function ok(response: Promise<Response>, status = 200): Promise<unknown> {
  const answered = await response;
  expect(answered.status, await answered.clone().text()).toBe(status);
  return answered.status === 204 ? undefined : answered.json();
}

function startAgent(mac: string, code?: string, more: readonly string[] = ['--category', 'phones']): TetherProcess {
  const args = ['agent', '--hub', hub.baseUrl, '--mac', mac, '--model', 'IP232', '--firmware', '1.0', '--state', join(dir, `${mac}.json`), ...more];
  const agent = runCli(code === undefined ? args : [...args, '--code', code]);
  agents.set(mac, agent);
  return agent;
}

async function stopAgent(mac: string): Promise<void> {
  const agent = agents.get(mac);
  agents.delete(mac);
  if (agent !== undefined && agent.child.exitCode === null) await terminate(agent);
}

const idLabels = { 'tenant-admin': 'Tenant', auditor: 'Auditor id', user: 'User id' } as const;

async function signIn(page: Page, as: { role: 'admin' | keyof typeof idLabels; id?: string; password: string }): Promise<void> {
  await page.goto(consoleUrl);
  await page.getByLabel('Sign in as').selectOption(as.role);
  if (as.id !== undefined && as.role !== 'admin') await page.getByLabel(idLabels[as.role]).fill(as.id);
  await page.getByLabel('Password').fill(as.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('status', { name: 'dashboard live' }).waitFor();
}

// The console shows each MAC as the API writes it.
const row = (page: Page, mac: string) => page.locator(`tr[data-mac="${formatMac(mac)}"]`);
const stateOf = (page: Page, mac: string) => row(page, mac).locator('[data-state]');

/** The views the console offers the signed-in role, in order. */
const navigation = (page: Page): Promise<string[]> => page.getByRole('navigation', { name: 'Views' }).getByRole('link').allTextContents();

/** A page whose waits fail with the locator they waited for, well within the test's timeout. */
async function newPage(): Promise<Page> {
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  return page;
}

async function expectAccessible(page: Page): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
  // Two controls with one id would give a label to the wrong one.
  const ids = await page.evaluate(() =>
    [...(globalThis as unknown as { document: { querySelectorAll(selector: string): Iterable<{ id: string }> } }).document.querySelectorAll('[id]')].map((element) => element.id),
  );
  expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
}

beforeAll(async () => {
  assertBuilt();
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install -y chromium`);
  dir = mkdtempSync(join(tmpdir(), 'tether-console-e2e-'));
  const artifacts = join(dir, 'artifacts');
  mkdirSync(join(artifacts, 'ip232', firmwareBuild), { recursive: true });
  writeFileSync(join(artifacts, 'ip232', firmwareBuild, 'ip232.bin'), 'firmware 2.0');
  hub = serve({
    dataDir: join(dir, 'hub'),
    port: await freePort(),
    env: { TETHER_ADMIN_PASSWORD: adminPassword, TETHER_TOKEN_SECRET: '', TETHER_SEAL_KEY: '', TETHER_EVENTSTORE_URL: '', TETHER_DEVICELINK_PORTS: `${linkPorts.from}-${linkPorts.to}` },
    args: ['--artifacts', artifacts, '--job-resume-grace', '0'],
  });
  relay = new CuttableRelay(hub.port);
  consoleUrl = `http://127.0.0.1:${await relay.listen()}/`;
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  [browser] = await Promise.all([launchChromium(), ready(hub)]);
  token = await login(hub, { password: adminPassword });
  for (const id of ['acme', 'globex']) await ok(api('POST', '/tenants', { id, name: `Tenant ${id}`, password: `${id}-password` }), 201);
  await ok(api('POST', '/auditors', { id: 'ann', name: 'Ann Auditor', password: 'auditor-password' }), 201);
  await ok(api('PUT', '/catalog/firmware', {
    document: {
      devices: [{ id: 'IP232', versions: ['1.0', '2.0'] }],
      versions: [
        { id: '1.0', build: '131705', text: '1.0', wiki: '' },
        { id: '2.0', build: firmwareBuild, text: '2.0', wiki: '' },
      ],
    },
    baseUrl: `${hub.baseUrl}/artifacts`,
  }));
  admin = await newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([...agents.keys()].map(stopAgent));
  if (hub !== undefined) await terminate(hub);
  await relay?.close();
  target.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the web console in a browser', () => {
  it('signs an admin in; a new device\'s row turns up online without a reload and is assigned', async () => {
    await admin.goto(consoleUrl);
    await admin.getByRole('button', { name: 'Sign in' }).waitFor();
    await expectAccessible(admin);
    await screenshot(admin, 'sign-in');
    await signIn(admin, { role: 'admin', password: adminPassword });
    await admin.evaluate(() => Object.assign(globalThis, { notReloaded: true }));

    startAgent(macs.assigned);
    await expect.poll(() => stateOf(admin, macs.assigned).textContent(), { timeout: 15_000 }).toBe('unassigned');
    await row(admin, macs.assigned).getByLabel(/Tenant for/).selectOption('acme');
    await row(admin, macs.assigned).getByRole('button', { name: 'Assign' }).click();
    await expect.poll(() => stateOf(admin, macs.assigned).textContent(), { timeout: 10_000 }).toBe('online');
    // After the MAC, name and site columns.
    expect(await row(admin, macs.assigned).locator('td').nth(3).textContent()).toBe('acme');
    expect(await admin.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await expectAccessible(admin);
    await screenshot(admin, 'devices');
  });

  it('lets a tenant-admin issue and revoke its provisioning code, and never shows it another tenant\'s device, even live', async () => {
    const tenantAdmin = await newPage();
    const heard: string[] = [];
    tenantAdmin.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => heard.push(String(payload))));
    await signIn(tenantAdmin, { role: 'tenant-admin', id: 'globex', password: 'globex-password' });
    // The tenant-admin makes its own code: shown once, then listed without it, and revoked.
    await tenantAdmin.getByLabel('Max uses').fill('2');
    await tenantAdmin.getByRole('button', { name: 'Create code' }).click();
    const globexCode = (await tenantAdmin.locator('.issued code').textContent()) ?? '';
    expect(globexCode).not.toBe('');
    await expect.poll(() => tenantAdmin.getByRole('button', { name: 'Revoke' }).count()).toBe(1);
    expect(await tenantAdmin.locator('main').textContent()).toContain('0 / 2');
    const acmeCode = ((await ok(api('POST', '/tenants/acme/provisioning-codes', {}), 201)) as { code: string }).code;
    startAgent(macs.acme, acmeCode);
    startAgent(macs.globex, globexCode);
    await expect.poll(() => stateOf(tenantAdmin, macs.globex).textContent(), { timeout: 15_000 }).toBe('online');
    await expect.poll(() => stateOf(admin, macs.acme).textContent(), { timeout: 15_000 }).toBe('online');
    expect(await tenantAdmin.locator('tr[data-mac]').count()).toBe(1);
    // Frames are reported asynchronously: wait until those about its own device are in.
    await expect.poll(() => heard.some((frame) => frame.includes(formatMac(macs.globex)))).toBe(true);
    expect(heard.join('\n')).not.toContain(formatMac(macs.acme));
    expect(heard.join('\n')).not.toContain(formatMac(macs.assigned));
    await tenantAdmin.getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => tenantAdmin.getByRole('button', { name: 'Revoke' }).count()).toBe(0);
    expect(((await ok(api('GET', '/tenants/globex/provisioning-codes'))) as { items: unknown[] }).items).toEqual([]);
    // The views are those api/permissions.ts lets a tenant-admin read; none asks for what it may not.
    expect(await navigation(tenantAdmin)).toEqual(['Devices', 'Sessions', 'Jobs', 'Tenants', 'Protocol apps']);
    await tenantAdmin.getByRole('link', { name: 'Protocol apps' }).click();
    await tenantAdmin.getByRole('heading', { level: 1, name: 'Protocol apps' }).waitFor();
    await tenantAdmin.getByText('No templates yet.').waitFor();
    expect(await tenantAdmin.getByRole('alert').count()).toBe(0);
    expect(await tenantAdmin.getByRole('button', { name: /create template|delete/i }).count()).toBe(0);
    await tenantAdmin.close();
  });

  it('resumes after a dropped socket by position, missing no change', async () => {
    const sent: string[] = [];
    const received: string[] = [];
    admin.on('websocket', (socket) => {
      socket.on('framesent', ({ payload }) => sent.push(String(payload)));
      socket.on('framereceived', ({ payload }) => received.push(String(payload)));
    });
    relay.cut();
    await admin.getByRole('status', { name: 'dashboard offline' }).waitFor();
    await stopAgent(macs.acme);
    await eventually('the device offline', 15_000, async () => {
      const device = (await (await api('GET', `/devices/${macs.acme}`)).json()) as { state: string };
      return device.state === 'offline' ? true : undefined;
    });
    expect(await stateOf(admin, macs.acme).textContent()).toBe('online');
    relay.let();
    await expect.poll(() => stateOf(admin, macs.acme).textContent(), { timeout: 15_000 }).toBe('offline');
    // Playwright reports frames asynchronously: they may follow the page's own update.
    await expect.poll(() => sent.some((frame) => frame.includes('"subscribe"') && frame.includes('"after":'))).toBe(true);
    await expect.poll(() => received.some((frame) => frame.includes('"resumed":true'))).toBe(true);
  });

  it('opens a DeviceLink that carries a fetch, then closes it and shows the session\'s cause and bytes', async () => {
    await admin.getByRole('link', { name: '02:11:00:00:00:a1' }).click();
    await admin.getByLabel('Device port').fill('70000');
    await admin.getByRole('button', { name: 'Open link' }).click();
    await expect.poll(() => admin.locator('#field-body-devicePort-error').textContent()).toContain('devicePort');
    await admin.getByLabel('Device port').fill(String((target.address() as AddressInfo).port));
    await admin.getByRole('button', { name: 'Open link' }).click();
    const port = Number(await admin.getByTestId('link-port').textContent());
    const body = await new Promise<string>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/', agent: false }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve(text));
      })
        .on('error', reject)
        .end();
    });
    expect(body).toBe('hello from the device');
    await expectAccessible(admin);
    await screenshot(admin, 'device');
    await admin.getByRole('button', { name: 'Close link' }).click();
    const session = admin.locator('tr[data-session]').first();
    await expect.poll(() => session.locator('[data-cause]').textContent(), { timeout: 10_000 }).toBe('deleted');
    await expect.poll(async () => Number(await session.locator('[data-bytes-from-device]').textContent()), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(Number(await session.locator('[data-bytes-to-device]').textContent())).toBeGreaterThan(0);
  });

  it("sets a device's name, site and categories, an error beside the field it names; the list filters by site", async () => {
    const details = admin.getByRole('form', { name: 'Name, site and categories' });
    await admin.locator('#field-details-body-name').fill('x'.repeat(101));
    await details.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => admin.locator('#field-details-body-name-error').textContent()).toContain('body.name');
    await admin.locator('#field-details-body-name').fill('PC m01');
    await admin.locator('#field-details-body-site').fill('Berlin');
    await admin.locator('#field-details-body-categories').fill('lab, pcs');
    await details.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => admin.locator('dl.facts').first().textContent()).toContain('PC m01');
    expect(await admin.locator('dl.facts').first().textContent()).toContain('lab, pcs');
    await admin.getByRole('link', { name: 'Devices', exact: true }).click();
    await admin.getByRole('combobox', { name: /^Site/ }).selectOption('Berlin');
    await expect.poll(() => admin.locator('tr[data-mac]').count()).toBe(1);
    expect(await admin.locator('tr[data-mac] td').nth(1).textContent()).toBe('PC m01');
    await admin.getByRole('combobox', { name: /^Site/ }).selectOption('');
  });

  it("keeps what is typed into a device's details while a live change to that device comes in, and saves it", async () => {
    await admin.getByRole('link', { name: formatMac(macs.assigned) }).click();
    const details = admin.getByRole('form', { name: 'Name, site and categories' });
    const name = admin.locator('#field-details-body-name');
    await name.fill('typed here');
    await ok(api('PATCH', `/devices/${macs.assigned}`, { name: 'changed elsewhere', site: 'Hamburg' }));
    await expect.poll(() => admin.locator('dl.facts').first().textContent()).toContain('changed elsewhere');
    expect(await name.inputValue()).toBe('typed here');
    // A field not typed in follows the device.
    expect(await admin.locator('#field-details-body-site').inputValue()).toBe('Hamburg');
    await details.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => admin.locator('dl.facts').first().textContent()).toContain('typed here');
    expect(((await ok(api('GET', `/devices/${macs.assigned}`))) as { name: string; site: string }).name).toBe('typed here');
    expect(await admin.locator('#field-details-body-site').inputValue()).toBe('Hamburg');
  });

  it('creates an update job whose bar reaches 100 %', async () => {
    await admin.getByRole('link', { name: 'Jobs' }).click();
    await admin.getByLabel('Name', { exact: true }).fill('to 2.0');
    await admin.getByLabel('Tenants (comma separated; empty: all)', { exact: true }).fill('acme');
    await admin.getByLabel('Categories', { exact: true }).fill('phones');
    await admin.getByLabel('Version', { exact: true }).fill('2.0');
    await admin.getByRole('button', { name: 'Create update job' }).click();
    const bar = admin.locator('tr[data-job="to 2.0"] progress');
    await expect.poll(() => bar.getAttribute('data-percent'), { timeout: 20_000 }).toBe('100');
    expect(await admin.locator('tr[data-job="to 2.0"] [data-state]').textContent()).toBe('completed');
    await admin.getByRole('button', { name: 'to 2.0', exact: true }).click();
    await expect.poll(() => admin.getByRole('table', { name: 'Devices of to 2.0' }).locator('tbody tr').first().textContent()).toContain('succeeded');
    await admin.getByLabel('Or upload').setInputFiles({ name: 'firmware.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ devices: [{ id: 'IP232' }], versions: [] })) });
    await admin.getByLabel('Base URL of the binaries').fill(`${hub.baseUrl}/artifacts`);
    await admin.getByRole('button', { name: 'Import' }).click();
    await expect.poll(() => admin.locator('#field-catalog-body-document-error').textContent()).toMatch(/^body\.document\./);
    await expectAccessible(admin);
    await screenshot(admin, 'jobs');
    // A software target: the form sends kind software, and the hub's refusal lands on its field.
    await admin.getByLabel('Name', { exact: true }).fill('myapps 2.0');
    await admin.getByLabel('Target', { exact: true }).selectOption('software');
    await admin.getByLabel('Software', { exact: true }).fill('myapps');
    await admin.getByLabel('Version', { exact: true }).fill('2.0');
    await admin.getByRole('button', { name: 'Create update job' }).click();
    await expect.poll(() => admin.locator('#field-body-target-name-error').textContent()).toContain('software "myapps" (no software.json imported)');
    for (const view of ['Tenants', 'Relays', 'Protocol apps']) {
      await admin.getByRole('link', { name: view }).click();
      await admin.getByRole('heading', { level: 1, name: view }).waitFor();
      await expectAccessible(admin);
      await screenshot(admin, view.toLowerCase().replace(' ', '-'));
    }
    await admin.getByRole('link', { name: 'Tenants' }).click();
    const grant = admin.getByRole('form', { name: 'Grant access' });
    await grant.getByLabel('Tenant', { exact: true }).selectOption('globex');
    await grant.getByLabel('may see and act on').selectOption('acme');
    await grant.getByRole('button', { name: 'Grant' }).click();
    const globexRow = admin.locator('tr[data-tenant="globex"]');
    await expect.poll(() => globexRow.locator('td').nth(2).textContent()).toContain('acme');
    await globexRow.getByRole('button', { name: "Revoke globex's access to acme" }).click();
    await expect.poll(() => globexRow.locator('td').nth(2).textContent()).toBe('—');
    await admin.getByRole('link', { name: 'Sessions' }).click();
    await admin.getByRole('button', { name: /^Timeline of session/ }).first().click();
    await admin.getByRole('table', { name: 'Session timeline' }).getByText('TunnelClosed').waitFor();
    await expectAccessible(admin);
    await screenshot(admin, 'sessions');
  });

  it('pauses, resumes and cancels a running job', async () => {
    // The device installs only once the test releases it, so the job stays running meanwhile.
    const release = join(dir, 'release-update');
    const { code } = (await ok(api('POST', '/tenants/globex/provisioning-codes', {}), 201)) as { code: string };
    startAgent(macs.held, code, ['--category', 'held', '--on-update', `sh -c 'while [ ! -e ${release} ]; do sleep 0.1; done'`]);
    await eventually('the held device online', 15_000, async () => {
      const device = (await (await api('GET', `/devices/${macs.held}`)).json()) as { state?: string };
      return device.state === 'online' ? true : undefined;
    });
    await admin.getByRole('link', { name: 'Jobs' }).click();
    await admin.getByLabel('Name', { exact: true }).fill('held');
    await admin.getByLabel('Tenants (comma separated; empty: all)', { exact: true }).fill('globex');
    await admin.getByLabel('Categories', { exact: true }).fill('held');
    await admin.getByLabel('Version', { exact: true }).fill('2.0');
    await admin.getByRole('button', { name: 'Create update job' }).click();
    const state = admin.locator('tr[data-job="held"] [data-state]');
    await expect.poll(() => state.textContent(), { timeout: 10_000 }).toBe('running');
    for (const [verb, after] of [['pause', 'paused'], ['resume', 'running'], ['cancel', 'canceled']] as const) {
      await admin.getByRole('button', { name: `${verb} held`, exact: true }).click();
      await expect.poll(() => state.textContent(), { timeout: 10_000 }).toBe(after);
    }
    writeFileSync(release, '');
  });

  it('creates a proxy with its id, switches it off and keeps the id read-only when editing', async () => {
    const sourcePort = await freePortOutside(linkPorts);
    await admin.getByRole('link', { name: 'Proxies' }).click();
    await admin.getByLabel('Id (fixed once created)').fill('web-ui');
    await admin.getByLabel('Name').fill('Web UI');
    await admin.getByLabel('Source port').fill('not a port');
    await admin.getByLabel('Target address').fill('127.0.0.1');
    await admin.getByLabel('Target port').fill(String((target.address() as AddressInfo).port));
    await admin.getByRole('button', { name: 'Create proxy' }).click();
    await expect.poll(() => admin.locator('#field-body-sourcePort-error').count()).toBe(1);
    await admin.getByLabel('Source port').fill(String(sourcePort));
    await admin.getByRole('button', { name: 'Create proxy' }).click();
    const enabled = admin.locator('tr[data-proxy="web-ui"]').getByRole('switch');
    await enabled.waitFor();
    expect(await enabled.isChecked()).toBe(true);
    await enabled.click();
    await expect.poll(async () => ((await (await api('GET', '/proxies/web-ui')).json()) as { enabled: boolean }).enabled).toBe(false);
    await expect.poll(() => enabled.isChecked()).toBe(false);
    await admin.locator('tr[data-proxy="web-ui"]').getByRole('button', { name: /^Edit/ }).click();
    expect(await admin.getByLabel('Id (fixed once created)').getAttribute('readonly')).not.toBeNull();
    expect(await admin.getByLabel('Id (fixed once created)').inputValue()).toBe('web-ui');
    await expectAccessible(admin);
    await screenshot(admin, 'proxies');
  });

  it('shows an auditor no write buttons, refuses a write through its console, and lets it travel in time, verify and export', async () => {
    const auditor = await newPage();
    // By keyboard alone: each control is reached with Tab, in order, and Enter submits.
    await auditor.goto(consoleUrl);
    await auditor.keyboard.press('Tab');
    expect(await auditor.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id)).toBe('field-body-role');
    await auditor.keyboard.press('ArrowDown');
    await auditor.keyboard.press('ArrowDown');
    await auditor.keyboard.press('Tab');
    await auditor.keyboard.type('ann');
    await auditor.keyboard.press('Tab');
    await auditor.keyboard.type('auditor-password');
    await auditor.keyboard.press('Enter');
    await auditor.getByRole('status', { name: 'dashboard live' }).waitFor();
    expect(await auditor.getByText('auditor@ann (auditor)').count()).toBe(1);
    await expect.poll(() => stateOf(auditor, macs.assigned).textContent(), { timeout: 10_000 }).toBe('online');
    const writes = /assign|create|open link|revoke|pause|resume|cancel|retry|import|delete|save/i;
    expect(await navigation(auditor)).toEqual(['Devices', 'Sessions', 'Jobs', 'Tenants', 'Relays', 'Protocol apps', 'Audit']);
    for (const view of ['Devices', 'Sessions', 'Jobs', 'Tenants', 'Relays', 'Protocol apps']) {
      await auditor.getByRole('link', { name: view }).click();
      await auditor.getByRole('heading', { level: 1, name: view }).waitFor();
      expect(await auditor.getByRole('button', { name: writes }).count(), view).toBe(0);
    }
    await auditor.getByRole('link', { name: 'Devices' }).click();
    await auditor.getByRole('link', { name: '02:11:00:00:00:a1' }).click();
    await auditor.getByRole('heading', { name: 'Connection history' }).waitFor();
    expect(await auditor.getByRole('button', { name: writes }).count()).toBe(0);
    // As it was a moment ago, in the viewer's own time zone.
    const now = await auditor.evaluate(() => {
      const at = new Date(Date.now() - 1000);
      return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
    });
    await auditor.getByLabel('Time (local)').fill(now);
    await auditor.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => auditor.locator('section[aria-labelledby="time-travel-title"] [data-state]').textContent()).toBe('online');
    const status = await auditor.evaluate(async () => {
      const storage = (globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } }).sessionStorage;
      const response = await fetch('/api/v1/tenants', {
        method: 'POST',
        headers: { authorization: `Bearer ${storage.getItem('tether.token') ?? ''}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'intruder', name: 'Intruder', password: 'intruder-password' }),
      });
      return response.status;
    });
    expect(status).toBe(403);
    expect((await api('GET', '/tenants/intruder')).status).toBe(404);
    await auditor.getByRole('link', { name: 'Audit' }).click();
    await auditor.getByRole('button', { name: 'Verify the hash chain' }).click();
    await auditor.getByText(/^Intact: \d+ events/).waitFor();
    const [download] = await Promise.all([auditor.waitForEvent('download'), auditor.getByRole('button', { name: 'Export' }).click()]);
    const exported = readFileSync(await download.path(), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string });
    expect(exported.map((event) => event.type)).toContain('TunnelClosed');
    await expectAccessible(auditor);
    await screenshot(auditor, 'audit');
    await auditor.getByRole('button', { name: 'Sign out' }).click();
    await auditor.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await auditor.evaluate(() => (globalThis as unknown as { sessionStorage: { length: number } }).sessionStorage.length)).toBe(0);
  });

  it('signs a person in with its user id; an operator gets no audit or relay view', async () => {
    await ok(api('POST', '/users', { id: 'otto', name: 'Otto Operator', password: 'operator-password', role: 'operator', tenants: ['acme'] }), 201);
    const operator = await newPage();
    await signIn(operator, { role: 'user', id: 'otto', password: 'operator-password' });
    const views = operator.getByRole('navigation', { name: 'Views' });
    await views.getByRole('link', { name: 'Devices' }).waitFor();
    expect(await views.getByRole('link', { name: 'Audit' }).count()).toBe(0);
    expect(await views.getByRole('link', { name: 'Relays' }).count()).toBe(0);
    await operator.close();
  });
});
