// What a live subscriber may take from memory: only a range the latest commit holds whole,
// and only while no other connection has committed since.
import { describe, expect, it } from 'vitest';
import type { EventRow } from '../../store/sqlite-schema.js';
import { LatestCommit } from '../../store/sqlite-latest-commit.js';

const row = (position: number): EventRow => ({ position, stream: 'thing-1', revision: position, type: 'Thing', data: '{}', metadata: '{}' });
const positions = (rows: readonly EventRow[] | undefined): number[] | undefined => rows?.map((kept) => kept.position);

function commitOf(first: number, last: number): { readonly latest: LatestCommit; otherConnectionCommits(): void } {
  let fileVersion = 7;
  const latest = new LatestCommit(() => fileVersion);
  latest.committed(
    Array.from({ length: last - first + 1 }, (_, i) => row(first + i)),
    7,
  );
  return { latest, otherConnectionCommits: () => (fileVersion += 1) };
}

describe('LatestCommit', () => {
  it('serves a range inside the commit, from just before its first row up to its last', () => {
    const { latest } = commitOf(10, 13);
    expect(positions(latest.between(9, 13))).toEqual([10, 11, 12, 13]);
    expect(positions(latest.between(11, 12))).toEqual([12]);
    expect(positions(latest.between(13, 13))).toEqual([]);
  });

  it('sends a subscriber behind the commit, or one asking past it, to the file', () => {
    const { latest } = commitOf(10, 13);
    expect(latest.between(8, 13)).toBeUndefined();
    expect(latest.between(9, 14)).toBeUndefined();
  });

  it('sends everyone to the file once another connection has committed', () => {
    const { latest, otherConnectionCommits } = commitOf(10, 13);
    otherConnectionCommits();
    expect(latest.between(9, 13)).toBeUndefined();
  });

  it('holds nothing before the first commit', () => {
    expect(new LatestCommit(() => 0).between(-1, 0)).toBeUndefined();
  });
});
