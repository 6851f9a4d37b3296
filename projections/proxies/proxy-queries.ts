// Pure reads on the proxy read model.
import type { ProxySettings } from '../../domain/proxy/proxy-settings.js';
import type { Database } from '../projection.js';
import type { ProxyView } from './proxy-view.js';

interface ProxyRow {
  readonly id: string;
  readonly settings: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const select = 'SELECT id, settings, created_at AS createdAt, updated_at AS updatedAt FROM proxies';

const viewOf = (row: ProxyRow): ProxyView => ({
  id: row.id,
  ...(JSON.parse(row.settings) as ProxySettings),
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

export function getProxy(db: Database, id: string): ProxyView | undefined {
  const row = db.prepare<[string], ProxyRow>(`${select} WHERE id = ?`).get(id);
  return row === undefined ? undefined : viewOf(row);
}

/** Ordered by id; `after`: the last id of the previous page. */
export function listProxies(db: Database, options: { readonly after?: string; readonly limit: number }): ProxyView[] {
  if (options.limit <= 0) return [];
  return db
    .prepare<[string | null, string | null, number], ProxyRow>(`${select} WHERE (? IS NULL OR id > ?) ORDER BY id LIMIT ?`)
    .all(options.after ?? null, options.after ?? null, options.limit)
    .map(viewOf);
}
