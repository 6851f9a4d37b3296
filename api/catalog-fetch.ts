// A catalog file fetched from a web server without authentication, as the seed has it: JSON,
// at most 4 MiB, within 15 s. Every failure names the URL the caller gave.
import { TetherError } from '../domain/errors.js';

/** The largest catalog file taken, fetched or uploaded. */
export const maxCatalogFileBytes = 4 * 1024 * 1024;
const timeoutMs = 15_000;

const refused = (url: string, why: string): TetherError => new TetherError('validation_failed', `could not fetch ${url}: ${why}`, ['body.url']);

async function bodyOf(response: Response, url: string): Promise<string> {
  const reader = response.body?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxCatalogFileBytes) {
      await reader.cancel();
      throw refused(url, `the file is larger than ${maxCatalogFileBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The parsed JSON at `url` (http or https, no credentials in it). */
export async function fetchCatalogFile(url: string): Promise<unknown> {
  if (!URL.canParse(url)) throw refused(url, 'not a URL');
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw refused(url, 'only http and https are fetched');
  if (parsed.username !== '' || parsed.password !== '') throw refused(url, 'catalog files come from a web server without authentication');
  let response: Response;
  try {
    response = await fetch(parsed, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (error) {
    throw refused(url, (error as Error).message);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw refused(url, `HTTP ${response.status} ${response.statusText}`.trim());
  }
  const text = await bodyOf(response, url);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw refused(url, 'the file is not JSON');
  }
}
