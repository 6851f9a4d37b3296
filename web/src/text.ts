// Turning what a person typed into what the API takes.

/** "a, b,,c " → ["a", "b", "c"]. */
export const commaList = (text: string): string[] =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');

/** A datetime-local value (the viewer's zone) as the API's ISO time; empty: none. */
export const isoOf = (local: string): string | undefined => (local === '' ? undefined : new Date(local).toISOString());
