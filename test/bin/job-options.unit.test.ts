import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { artifactsOption, backupConcurrencyOption, jobConfigOf, jobResumeGraceOption, updateConcurrencyOption, updateTimeoutOption } from '../../bin/job-options.js';
import type { JobOptions } from '../../bin/job-options.js';
import { isTetherError } from '../../domain/errors.js';

function parsed(args: readonly string[]): JobOptions {
  const command = new Command('serve').exitOverride().configureOutput({ writeErr: () => undefined });
  for (const option of [artifactsOption(), updateConcurrencyOption(), updateTimeoutOption(), backupConcurrencyOption(), jobResumeGraceOption()]) command.addOption(option);
  command.parse(['node', 'serve', ...args]);
  return command.opts<JobOptions>();
}

describe('tether serve job options', () => {
  it('turns flags into the hub\'s job settings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tether-artifacts-'));
    try {
      const options = parsed(['--artifacts', dir, '--update-concurrency', '50', '--update-timeout', '120000', '--backup-concurrency', '5']);
      expect(jobConfigOf(options)).toEqual({ artifactsDir: dir, jobs: { updateConcurrency: 50, updateTimeoutMs: 120_000, backupConcurrency: 5 } });
      expect(jobConfigOf(parsed([]))).toEqual({ jobs: {} });
      expect(jobConfigOf(parsed(['--job-resume-grace', '0']))).toEqual({ jobs: { resumeGraceMs: 0 } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a bad value', () => {
    expect(() => parsed(['--update-concurrency', '0'])).toThrow(/1 to 1000/);
    expect(() => parsed(['--update-timeout', '10'])).toThrow(/milliseconds/);
    expect(() => parsed(['--job-resume-grace', '-1'])).toThrow(/0 to 3600000/);
    let failure: unknown;
    try {
      jobConfigOf(parsed(['--artifacts', '/nonexistent/tether-artifacts']));
    } catch (error) {
      failure = error;
    }
    expect(isTetherError(failure, 'invalid_configuration')).toBe(true);
  });
});
