// `tether devices restore`: the device GETs a backup file from a WebDAV server and hands it to
// its --on-restore hook; the command waits for the device's answer.
import { Command } from 'commander';
import * as t from 'io-ts';
import { calls } from './api-operation.js';
import type { JsonFlags } from './client-config.js';
import { clientFrom, processSources, withClientOptions } from './client-options.js';
import { jsonOption, macArgument } from './command-arguments.js';
import { printJson } from './output.js';
import { readPassword } from './password-input.js';
import { webdavAuth, webdavAuthOptions, webdavNeedsPassword } from './webdav-auth.js';
import type { WebdavFlags } from './webdav-auth.js';

const RestoreDone = t.type({ requestId: t.string, ok: t.boolean }, 'an object {requestId, ok}');

type RestoreOptions = JsonFlags & WebdavFlags & { readonly url: string };

// The hub waits up to 5 minutes for the device's answer (then 504): wait a little longer, so
// that the operator hears the hub's verdict rather than a timeout of our own.
const restoreAnswerTimeoutMs = 310_000;

async function runRestore(mac: string, options: RestoreOptions): Promise<void> {
  const { client } = clientFrom(options, processSources(), restoreAnswerTimeoutMs);
  const password = webdavNeedsPassword(options) ? await readPassword(`WebDAV password of ${options.username ?? ''}: `, options.passwordStdin === true) : undefined;
  const done = await client.call('POST', `/api/v1/devices/${encodeURIComponent(mac)}/restore`, RestoreDone, { url: options.url, auth: webdavAuth(options, password) });
  if (options.json === true) printJson(done);
  else process.stdout.write(`device ${mac} restored from ${options.url} (request ${done.requestId})\n`);
}

export const restoreCommand = (): Command =>
  calls(
    withClientOptions(
      jsonOption(
        webdavAuthOptions(
          macArgument(new Command('restore').description("have an online device GET a backup file and hand it to its --on-restore hook; waits for the device's answer")).requiredOption(
            '--url <url>',
            'the backup file, http(s)://host/path (a backup job stores under <url>/<tenant>/<mac>/<timestamp>)',
          ),
        ),
        '{requestId, ok}',
      ),
    ),
    'POST /api/v1/devices/{mac}/restore',
  ).action((mac: string, options: RestoreOptions) => runRestore(mac, options));
