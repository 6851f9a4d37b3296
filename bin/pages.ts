// The list commands read every page the hub has (or up to --limit rows), following `next`.
import * as t from 'io-ts';
import { maxPageLimit } from '../api/codecs.js';

export const pageOf = <C extends t.Mixed>(item: C, name: string) =>
  t.type({ items: t.array(item), next: t.union([t.string, t.null]) }, name);

export interface Page<Item> {
  readonly items: readonly Item[];
  readonly next: string | null;
}

/** `fetchPage(cursor, size)` gets one page; the first has no cursor. */
export async function readPages<Item>(
  fetchPage: (cursor: string | undefined, size: number) => Promise<Page<Item>>,
  limit: number = Number.POSITIVE_INFINITY,
): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor, Math.min(maxPageLimit, limit - items.length));
    items.push(...page.items.slice(0, limit - items.length));
    cursor = page.next ?? undefined;
  } while (cursor !== undefined && items.length < limit);
  return items;
}
