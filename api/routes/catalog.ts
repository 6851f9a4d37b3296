// The update catalogs (the seed's "JSON files"): firmware.json, apps.json, software.json,
// imported whole from a URL (fetched by the hub) or uploaded, each import an event (the file in
// chunks of a stream of its own: actors/catalog/catalog-files.ts). A file that does not match the seed's
// format is refused with the path of its first problem, and nothing changes. GET shows the
// current file, where it came from and where its binaries lie.
import type { FastifyPluginAsync } from 'fastify';
import * as t from 'io-ts';
import { directoryOf } from '../../domain/catalog/artifact-url.js';
import { currentCatalog, importCatalog } from '../../actors/catalog/catalog-files.js';
import { CatalogKind } from '../../domain/catalog/catalog-kind.js';
import type { ImportedCatalog } from '../../domain/catalog/events.js';
import { TetherError } from '../../domain/errors.js';
import { fetchCatalogFile, maxCatalogFileBytes } from '../catalog-fetch.js';
import { routeSchema } from '../openapi/route-schema.js';
import { parse } from '../parse.js';
import { authorize } from '../permissions.js';
import { readYourWrites } from '../read-your-writes.js';
import { commandContext } from '../request-context.js';

const KindParams = t.exact(t.type({ kind: CatalogKind }));
const ImportBody = t.exact(t.partial({ url: t.string, baseUrl: t.string, document: t.UnknownRecord }));

const docs = {
  show: routeSchema({ summary: 'The current firmware.json, apps.json or software.json, and where it came from', tag: 'catalog', params: KindParams }),
  import: routeSchema({
    summary: 'Import a catalog file from a URL (fetched by the hub) or uploaded as document',
    description: 'A file that does not match the seed\'s format is refused with the path of its first problem; nothing changes then.',
    tag: 'catalog',
    params: KindParams,
    body: ImportBody,
  }),
};

export type CatalogView = ImportedCatalog;

// An uploaded file may be as large as a fetched one; the rest of the body is a URL or two.
const importBodyLimit = maxCatalogFileBytes + 64 * 1024;

export const catalogRoutes: FastifyPluginAsync = async (app) => {
  const { services } = app;

  app.get('/catalog/:kind', { schema: docs.show }, async (request): Promise<CatalogView> => {
    authorize(request.principal, 'catalog', 'read');
    const { kind } = parse(KindParams, request.params, 'params');
    const current = await currentCatalog(services.runtime, kind);
    if (current === undefined) throw new TetherError('not_found', `no ${kind} catalog has been imported`, ['params.kind']);
    return current;
  });

  app.put('/catalog/:kind', { schema: docs.import, bodyLimit: importBodyLimit }, async (request): Promise<CatalogView> => {
    const principal = authorize(request.principal, 'catalog', 'update');
    const { kind } = parse(KindParams, request.params, 'params');
    const { url, baseUrl, document } = parse(ImportBody, request.body ?? {}, 'body');
    if ((url === undefined) === (document === undefined)) {
      throw new TetherError('validation_failed', 'give either url (the hub fetches the file) or document (the file itself)', ['body.url', 'body.document']);
    }
    if (url === undefined && baseUrl === undefined) throw new TetherError('validation_failed', 'an uploaded catalog needs baseUrl: where its binaries lie', ['body.baseUrl']);
    const fetched = url === undefined ? document : await fetchCatalogFile(url);
    const base = baseUrl ?? (url === undefined ? '' : directoryOf(url));
    const imported = await importCatalog(
      services.runtime,
      {
        type: 'ImportCatalog',
        kind,
        document: fetched,
        baseUrl: base,
        ...(url === undefined ? { documentPath: 'body.document.' } : { url }),
      },
      commandContext(request, principal),
    ).catch((error: unknown) => {
      // The decider names baseUrl without the body.
      if (error instanceof TetherError && error.details.includes('baseUrl')) throw new TetherError(error.code, error.message, ['body.baseUrl']);
      throw error;
    });
    await readYourWrites(services, imported);
    return imported.current;
  });
};
