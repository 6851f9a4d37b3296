// The awkward values an outside tester throws at an API: wrong types, sizes, unicode,
// prototype keys and numbers no codec expects. JSON values for bodies, strings for
// queries and path params.
import type { SeededRandom } from '../../support/seeded-random.js';

/** An object whose own key is `__proto__`, as JSON.parse makes it (a literal would set the prototype). */
const protoKeyed = (): unknown => JSON.parse('{"__proto__":{"isAdmin":true,"role":"admin"},"constructor":{"prototype":{"polluted":1}}}');

const nested = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

const unicode: readonly string[] = [
  '\u0000',
  '\u202eevil\u202c',
  'e\u0301\u0301\u0301',
  '😀'.repeat(64),
  '\ud800',
  '\udfff\ud800',
  'ﬀ\uFEFF\u200b',
  'Ω≈ç√∫˜µ≤≥÷',
  '%00%2e%2e%2f',
];

const strings: readonly string[] = [
  '',
  ' ',
  '__proto__',
  'constructor',
  'prototype',
  '../../etc/passwd',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '${7*7}',
  'null',
  'true',
  '-1',
  '1e400',
  '99999999999999999999999',
  '0x10',
  'NaN',
  'Infinity',
  '-0',
  '2026-13-45T25:61:61Z',
  '020000000001',
  'a'.repeat(4096),
  ...unicode,
];

const numbers: readonly number[] = [0, -1, 1.5, -0.000001, 2 ** 53 + 2, -(2 ** 63), 1e308, -1e308, Number.MAX_SAFE_INTEGER, 65536, 4294967296];

export function malformedJson(random: SeededRandom): unknown {
  switch (random.int(10)) {
    case 0:
      return random.pick([null, true, false]);
    case 1:
      return random.pick(numbers);
    case 2:
    case 3:
      return random.pick(strings);
    case 4:
      return 'x'.repeat(random.pick([256, 65_536, 300_000]));
    case 5:
      return random.pick([[], [null], [random.pick(strings)], Array.from({ length: 2000 }, (_, i) => i)]);
    case 6:
      return random.pick([{}, { '': '' }, { length: 1e9 }]);
    case 7:
      return protoKeyed();
    case 8:
      return nested(random.pick([64, 2000]));
    default:
      return random.pick(unicode);
  }
}

/** A query or path value: always a string on the wire. */
export function malformedText(random: SeededRandom): string {
  if (random.chance(0.25)) return String(random.pick(numbers));
  if (random.chance(0.1)) return 'x'.repeat(random.pick([101, 2048]));
  return random.pick(strings);
}
