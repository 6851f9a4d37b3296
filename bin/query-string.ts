// A request's query string from a command's options: unset options are left out.
export type QueryValue = string | number | undefined;

export function queryString(parameters: Readonly<Record<string, QueryValue>>): string {
  const set = Object.entries(parameters).filter((entry): entry is [string, string | number] => entry[1] !== undefined);
  return set.length === 0 ? '' : `?${new URLSearchParams(set.map(([name, value]): [string, string] => [name, String(value)])).toString()}`;
}
