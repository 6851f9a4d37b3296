// Two settings are the same when every field is, whatever the key order: saving what already
// holds appends nothing, so clients may retry an edit.
const canonical = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(canonical)
    : typeof value === 'object' && value !== null
      ? Object.fromEntries(
          Object.entries(value)
            .filter(([, field]) => field !== undefined)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([key, field]) => [key, canonical(field)]),
        )
      : value;

export const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
