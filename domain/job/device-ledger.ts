// A job's record of every device it touched, as a persistent map keyed by MAC. Machine context
// is replaced, never mutated, on every event: copying a plain object of 5,000 devices took
// milliseconds per event, so the map is a two-level trie (64 × 64 branches, picked by the last
// three hex digits of the MAC) and an update copies two short arrays and one small leaf. Leaves
// are arrays, not objects keyed by MAC: each new key would give V8 another hidden class.
const fanOut = 64;

type Leaf<V> = readonly (readonly [string, V])[];
type Branch<V> = readonly (Leaf<V> | null)[];

export interface Ledger<V> {
  readonly size: number;
  readonly branches: readonly (Branch<V> | null)[];
}

const emptyBranches: readonly null[] = Object.freeze(Array.from({ length: fanOut }, () => null));

export const emptyLedger = <V>(): Ledger<V> => ({ size: 0, branches: emptyBranches });

/** Where a MAC (12 lowercase hex digits) lives; any other key still gets a stable place. */
function slotOf(key: string): readonly [number, number] {
  const n = Number.parseInt(key.slice(-3), 16);
  const index = Number.isNaN(n) ? 0 : n % (fanOut * fanOut);
  return [Math.floor(index / fanOut), index % fanOut];
}

export function ledgerGet<V>(ledger: Ledger<V>, key: string): V | undefined {
  const [b, l] = slotOf(key);
  return ledger.branches[b]?.[l]?.find((entry) => entry[0] === key)?.[1];
}

export function ledgerSet<V>(ledger: Ledger<V>, key: string, value: V): Ledger<V> {
  const [b, l] = slotOf(key);
  const branch = ledger.branches[b] ?? emptyBranches;
  const leaf = branch[l] ?? [];
  const grows = !leaf.some((entry) => entry[0] === key);
  const nextBranch = branch.slice();
  nextBranch[l] = grows ? [...leaf, [key, value]] : leaf.map((entry) => (entry[0] === key ? [key, value] : entry));
  const branches = ledger.branches.slice();
  branches[b] = nextBranch;
  return { size: ledger.size + (grows ? 1 : 0), branches };
}

/** Every entry, in no particular order. */
export function ledgerEntries<V>(ledger: Ledger<V>): [string, V][] {
  const entries: [string, V][] = [];
  for (const branch of ledger.branches) {
    if (branch === null) continue;
    for (const leaf of branch) if (leaf !== null) entries.push(...leaf.map(([key, value]): [string, V] => [key, value]));
  }
  return entries;
}
