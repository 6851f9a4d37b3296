// Pure reads on the proxy read model.
import { formatMac } from '../../domain/device/mac.js';
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

function viewOf(row: ProxyRow): ProxyView {
  const settings = JSON.parse(row.settings) as ProxySettings;
  const { target } = settings;
  return {
    id: row.id,
    ...settings,
    target: 'device' in target ? { ...target, device: formatMac(target.device) } : target,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The settings as stored: what the next event applies to. */
export function getProxySettings(db: Database, id: string): ProxySettings | undefined {
  const settings = db.prepare<[string], string>('SELECT settings FROM proxies WHERE id = ?').pluck().get(id);
  return settings === undefined ? undefined : (JSON.parse(settings) as ProxySettings);
}

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
