// Where a catalog's binaries lie under its base URL, after the seed's fields:
//   apps and software: <base>/<folder>/<build>/<binary>
//   firmware:          <base>/<device id, lower case>/<build>/<device id, lower case>.bin
// (`tether serve --artifacts DIR` serves such a tree at <hub>/artifacts/).
import { maxBaseUrlLength } from '../gateway/field-limits.js';

/** The base URL without trailing slashes, so segments join with one. */
export const trimBase = (baseUrl: string): string => baseUrl.replace(/\/+$/, '');

const joined = (baseUrl: string, segments: readonly string[]): string =>
  [trimBase(baseUrl), ...segments.map((segment) => encodeURIComponent(segment))].join('/');

export const packageUrl = (baseUrl: string, folder: string, build: string, binary: string): string => joined(baseUrl, [folder, build, binary]);

export function firmwareUrl(baseUrl: string, deviceId: string, build: string): string {
  const name = deviceId.toLowerCase();
  return joined(baseUrl, [name, build, `${name}.bin`]);
}

/** An absolute http(s) URL without credentials, of at most maxBaseUrlLength characters: what a catalog's base URL must be. */
export function isBaseUrl(text: string): boolean {
  if (text.length > maxBaseUrlLength || !URL.canParse(text)) return false;
  const url = new URL(text);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '' && url.search === '' && url.hash === '';
}

/** The directory of a file's URL: where a catalog fetched from it finds its binaries by default. */
export function directoryOf(fileUrl: string): string {
  const url = new URL(fileUrl);
  url.search = '';
  url.hash = '';
  return trimBase(url.href.slice(0, url.href.lastIndexOf('/') + 1));
}
