import { describe, expect, it } from 'vitest';
import { emptyLedger, ledgerEntries, ledgerGet, ledgerSet } from '../../domain/job/device-ledger.js';

const mac = (i: number): string => (0x020000000000 + i).toString(16).padStart(12, '0');

describe('device ledger', () => {
  it('keeps every key, replacing values, without touching the ledger it came from', () => {
    let ledger = emptyLedger<number>();
    for (let i = 0; i < 10_000; i += 1) ledger = ledgerSet(ledger, mac(i), i);
    const before = ledger;
    ledger = ledgerSet(ledger, mac(42), -1);
    expect(ledger.size).toBe(10_000);
    expect(ledgerGet(ledger, mac(42))).toBe(-1);
    expect(ledgerGet(before, mac(42))).toBe(42);
    expect(ledgerGet(ledger, mac(10_000))).toBeUndefined();
    expect(ledgerEntries(ledger)).toHaveLength(10_000);
    // Keys that share a leaf (same last three hex digits) stay apart.
    const a = '000000000abc';
    const b = '111111111abc';
    const shared = ledgerSet(ledgerSet(emptyLedger<string>(), a, 'a'), b, 'b');
    expect([ledgerGet(shared, a), ledgerGet(shared, b), shared.size]).toEqual(['a', 'b', 2]);
  });
});
