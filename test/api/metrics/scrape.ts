// Reading /metrics in tests: one scrape, and one sample of it.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';

export async function scrape(hub: { call(options: InjectOptions): Promise<LightMyRequestResponse> }): Promise<string> {
  const response = await hub.call({ method: 'GET', url: '/metrics' });
  expect(response.statusCode).toBe(200);
  return response.body;
}

/** The sample `name{labels}` of a scrape, e.g. value(text, 'tether_relayed_bytes_total', 'direction="to_device"'). */
export function value(text: string, name: string, labels?: string): number {
  const series = labels === undefined ? name : `${name}{${labels}}`;
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no ${series} in the scrape`);
  return Number(line.slice(series.length + 1));
}
