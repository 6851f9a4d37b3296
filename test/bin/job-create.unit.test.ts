// The bodies `tether jobs create update|backup` sends, and what it refuses before sending.
import { describe, expect, it } from 'vitest';
import { backupJobBody, needsPassword, parseAppTarget, parsePercent, updateJobBody } from '../../bin/job-create.js';
import type { BackupCreateOptions } from '../../bin/job-create.js';

const refusal = (work: () => unknown): string => {
  try {
    work();
  } catch (error) {
    return (error as Error).message;
  }
  return 'nothing refused';
};

describe('jobs create update', () => {
  it('sends the API body: target, categories, tenants and the limits given', () => {
    expect(updateJobBody({ name: 'fw', category: ['phones', 'lab'], firmware: '13r2' })).toEqual({ name: 'fw', categories: ['phones', 'lab'], target: { kind: 'firmware', version: '13r2' } });
    expect(
      updateJobBody({ name: 'app', anyCategory: true, tenant: ['acme', 'globex'], app: parseAppTarget('devices@13r2'), concurrency: 5, timeout: 60_000, errorThreshold: 12.5, errorMinSettled: 10 }),
    ).toEqual({
      name: 'app',
      categories: [],
      tenants: ['acme', 'globex'],
      target: { kind: 'app', name: 'devices', version: '13r2' },
      concurrency: 5,
      timeoutMs: 60_000,
      errorThreshold: { percent: 12.5, minSettled: 10 },
    });
    expect(updateJobBody({ name: 'sw', anyCategory: true, software: parseAppTarget('myapps@2.0') })).toEqual({
      name: 'sw',
      categories: [],
      target: { kind: 'software', name: 'myapps', version: '2.0' },
    });
  });

  it('refuses what the options alone tell is wrong', () => {
    expect(refusal(() => updateJobBody({ name: 'fw', firmware: '13r2' }))).toMatch(/^validation_failed: name the device categories/);
    expect(refusal(() => updateJobBody({ name: 'fw', category: ['phones'], anyCategory: true, firmware: '13r2' }))).toMatch(/not both/);
    expect(refusal(() => updateJobBody({ name: 'fw', anyCategory: true }))).toMatch(/give the target: --firmware VERSION, --app NAME@VERSION or --software NAME@VERSION/);
    expect(refusal(() => updateJobBody({ name: 'fw', anyCategory: true, firmware: '1', errorMinSettled: 3 }))).toMatch(/goes with --error-threshold/);
    expect(refusal(() => parseAppTarget('devices'))).toMatch(/NAME@VERSION/);
    expect(refusal(() => parseAppTarget('devices@'))).toMatch(/NAME@VERSION/);
    expect(parseAppTarget('vendor@app@1.2')).toEqual({ name: 'vendor@app', version: '1.2' });
    expect(refusal(() => parsePercent('101'))).toMatch(/0 to 100/);
    expect(refusal(() => parsePercent('ten'))).toMatch(/0 to 100/);
  });
});

describe('jobs create backup', () => {
  const digest: BackupCreateOptions = { name: 'nightly', anyCategory: true, url: 'https://dav.example/b', auth: 'digest', username: 'tether' };

  it('sends the credentials only with basic or digest', () => {
    expect(needsPassword(digest)).toBe(true);
    expect(backupJobBody(digest, 'secret')).toEqual({ name: 'nightly', categories: [], target: { url: 'https://dav.example/b', auth: { type: 'digest', username: 'tether', password: 'secret' } } });
    const none: BackupCreateOptions = { ...digest, auth: 'none', username: undefined };
    expect(needsPassword(none)).toBe(false);
    expect(backupJobBody(none, undefined)).toEqual({ name: 'nightly', categories: [], target: { url: 'https://dav.example/b', auth: { type: 'none' } } });
  });

  it('refuses credentials that do not fit the authentication', () => {
    expect(refusal(() => needsPassword({ ...digest, username: undefined }))).toMatch(/--auth digest needs --username/);
    expect(refusal(() => needsPassword({ ...digest, auth: 'none' }))).toMatch(/--auth none takes no --username/);
    expect(refusal(() => backupJobBody(digest, ''))).toMatch(/password is empty/);
  });

  it('refuses a bad selection before the password is asked for', () => {
    expect(refusal(() => needsPassword({ ...digest, anyCategory: undefined }))).toMatch(/name the device categories/);
    expect(refusal(() => needsPassword({ ...digest, errorMinSettled: 3 }))).toMatch(/goes with --error-threshold/);
  });
});
