// `tether catalog show|import`: the seed's firmware.json, apps.json and software.json, imported
// whole by URL (the hub fetches it) or from a file (uploaded, with the base URL of its binaries).
import { Argument, Command, Option } from 'commander';
import * as t from 'io-ts';
import { calls } from './api-operation.js';
import type { JsonFlags } from './client-config.js';
import { clientFrom, withClientOptions } from './client-options.js';
import { CommandError } from './command-error.js';
import { jsonOption } from './command-arguments.js';
import { readJsonDocument } from './json-document.js';
import { formatFields, printJson } from './output.js';

const CatalogView = t.intersection(
  [t.type({ kind: t.string, source: t.string, baseUrl: t.string, importedAt: t.string, document: t.UnknownRecord }), t.partial({ url: t.string })],
  'a catalog',
);
type CatalogView = t.TypeOf<typeof CatalogView>;

const catalogPath = (kind: string): string => `/api/v1/catalog/${encodeURIComponent(kind)}`;
const kindArgument = (command: Command): Command =>
  command.addArgument(new Argument('<kind>', 'which catalog').choices(['firmware', 'apps', 'software']));

/** What the file lists, "2 devices, 1 versions": the length of each top-level array. */
const contents = (catalog: CatalogView): string =>
  Object.entries(catalog.document)
    .flatMap(([name, value]) => (Array.isArray(value) ? [`${value.length} ${name}`] : []))
    .join(', ');

function printCatalog(catalog: CatalogView, options: JsonFlags): void {
  if (options.json === true) return printJson(catalog);
  process.stdout.write(
    formatFields([
      ['kind', catalog.kind],
      ['source', catalog.url ?? catalog.source],
      ['base url', catalog.baseUrl],
      ['imported', catalog.importedAt],
      ['lists', contents(catalog)],
    ]),
  );
}

const showCommand = (): Command =>
  calls(withClientOptions(jsonOption(kindArgument(new Command('show').description('where the current catalog came from (--json: the file too)')), 'the catalog')), 'GET /api/v1/catalog/{kind}').action(
    async (kind: string, options: JsonFlags) => printCatalog(await clientFrom(options).client.call('GET', catalogPath(kind), CatalogView), options),
  );

interface ImportOptions extends JsonFlags {
  readonly url?: string;
  readonly file?: string;
  readonly baseUrl?: string;
}

async function importBody(options: ImportOptions): Promise<Record<string, unknown>> {
  const baseUrl = options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl };
  if (options.url !== undefined) return { url: options.url, ...baseUrl };
  if (options.file === undefined) throw new CommandError('validation_failed', 'give the catalog file: --url URL (the hub fetches it) or --file FILE with --base-url');
  if (options.baseUrl === undefined) throw new CommandError('validation_failed', '--file needs --base-url: where the binaries it lists lie');
  return { document: await readJsonDocument(options.file), ...baseUrl };
}

const importCommand = (): Command =>
  calls(
    withClientOptions(
      jsonOption(
        kindArgument(new Command('import').description('replace a catalog with a new file; a malformed file is refused and changes nothing (admins)'))
          .addOption(new Option('--url <url>', 'the hub fetches the file from here; binaries lie beside it unless --base-url').conflicts('file'))
          .option('--file <file>', 'upload this file (- for standard input)')
          .option('--base-url <url>', 'where the binaries the file lists lie'),
        'the catalog',
      ),
    ),
    'PUT /api/v1/catalog/{kind}',
  )
    .addHelpText('after', '\nExamples:\n  tether catalog import firmware --url https://hub.example:8080/artifacts/firmware.json\n  tether catalog import apps --file apps.json --base-url https://downloads.example/apps')
    .action(async (kind: string, options: ImportOptions) => {
      const body = await importBody(options);
      const catalog = await clientFrom(options).client.call('PUT', catalogPath(kind), CatalogView, body);
      if (options.json === true) return printJson(catalog);
      process.stdout.write(`${kind} catalog imported: ${contents(catalog)}; binaries under ${catalog.baseUrl}\n`);
    });

export const catalogCommand = (): Command =>
  new Command('catalog').description('the firmware, apps and software catalogs that update jobs install from').addCommand(showCommand()).addCommand(importCommand());
