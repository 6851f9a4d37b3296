// Where a device's backup lands: <target>/<tenant>/<mac>/<timestamp>, the timestamp in ISO 8601
// basic form (UTC, no colons, so the name is valid on any file system a WebDAV server uses).
import { trimBase } from '../catalog/artifact-url.js';

export const backupTimestamp = (at: Date): string => at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');

export const backupLocation = (targetUrl: string, tenantId: string, mac: string, at: Date): string =>
  [trimBase(targetUrl), encodeURIComponent(tenantId), mac, backupTimestamp(at)].join('/');

/** An absolute http(s) URL without credentials, query or fragment: a WebDAV collection to store under. */
export function isBackupTargetUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '' && url.search === '' && url.hash === '';
}
