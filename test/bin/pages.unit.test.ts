// The list commands' paging: every page in order following `next`, or up to a limit, and the
// query strings the pages are asked with.
import { describe, expect, it } from 'vitest';
import { readPages } from '../../bin/pages.js';
import { queryString } from '../../bin/query-string.js';

/** Pages of `items` as the hub cuts them: `size` at a time after `cursor`. */
function pager(items: readonly number[]) {
  const asked: { cursor: string | undefined; size: number }[] = [];
  const fetchPage = async (cursor: string | undefined, size: number) => {
    asked.push({ cursor, size });
    const start = cursor === undefined ? 0 : Number(cursor) + 1;
    const page = items.slice(start, start + Math.min(size, 2));
    const last = page.at(-1);
    return { items: page, next: start + page.length < items.length && last !== undefined ? String(items.indexOf(last)) : null };
  };
  return { asked, fetchPage };
}

describe('readPages', () => {
  it('follows next to the last page', async () => {
    const { asked, fetchPage } = pager([10, 11, 12, 13, 14]);
    expect(await readPages(fetchPage)).toEqual([10, 11, 12, 13, 14]);
    expect(asked.map((a) => a.cursor)).toEqual([undefined, '1', '3']);
    expect(asked[0]?.size).toBe(500);
  });

  it('stops at the limit and asks for no more than it still needs', async () => {
    const { asked, fetchPage } = pager([10, 11, 12, 13, 14]);
    expect(await readPages(fetchPage, 3)).toEqual([10, 11, 12]);
    expect(asked.map((a) => a.size)).toEqual([3, 1]);
  });
});

describe('queryString', () => {
  it('leaves out unset parameters and encodes the others', () => {
    expect(queryString({ tenant: 'acme', state: undefined, limit: 5, to: '2026-01-01T00:00:00+02:00' })).toBe(
      '?tenant=acme&limit=5&to=2026-01-01T00%3A00%3A00%2B02%3A00',
    );
    expect(queryString({ tenant: undefined })).toBe('');
  });
});
