// What every store refuses before writing, and where it says the problem is: the path of the
// first value JSON cannot hold, however deep.
import { describe, expect, it } from 'vitest';
import { assertJsonObject } from '../../store/event-validation.js';

const refusal = (value: unknown): { code: string; message: string; details: readonly string[] } | undefined => {
  try {
    assertJsonObject(value, 'events[0].data');
    return undefined;
  } catch (error) {
    return error as { code: string; message: string; details: readonly string[] };
  }
};

describe('event data', () => {
  it('is refused at the path of the first value JSON cannot hold', () => {
    const looped: Record<string, unknown> = { a: 1 };
    looped['self'] = { again: looped };
    const cases: [unknown, string, RegExp][] = [
      [{ a: { b: [1, Number.NaN] } }, 'events[0].data.a.b[1]', /is NaN/],
      [{ list: [1, undefined] }, 'events[0].data.list[1]', /is undefined/],
      [{ when: new Date(0) }, 'events[0].data.when', /Date object, not a plain object or array/],
      [{ f: () => 1 }, 'events[0].data.f', /is a function/],
      [{ n: 10n }, 'events[0].data.n', /is a bigint/],
      [looped, 'events[0].data.self.again', /refers to itself/],
    ];
    for (const [value, path, message] of cases) {
      const error = refusal(value);
      expect(error, path).toMatchObject({ code: 'invalid_event', details: [path] });
      expect(error?.message).toMatch(new RegExp(`^${path.replace(/[.[\]]/g, '\\$&')} `));
      expect(error?.message).toMatch(message);
    }
  });

  it('takes plain JSON, an undefined property (JSON drops it) and an object seen twice but not inside itself', () => {
    const shared = { x: 1 };
    expect(refusal({ a: [1, 'two', null, true, { b: { c: [] } }], gone: undefined, one: shared, two: shared })).toBeUndefined();
    expect(refusal([1])).toMatchObject({ details: ['events[0].data'] });
  });
});
