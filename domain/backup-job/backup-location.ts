// Where a device's backup lands: <target>/<tenant>/<mac>/<timestamp>, the timestamp in ISO 8601
// basic form (UTC, no colons, so the name is valid on any file system a WebDAV server uses).
import { trimBase } from '../catalog/artifact-url.js';
import { boundedString, maxBaseUrlLength } from '../gateway/field-limits.js';

export const backupTimestamp = (at: Date): string => at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');

export const backupLocation = (targetUrl: string, tenantId: string, mac: string, at: Date): string =>
  [trimBase(targetUrl), encodeURIComponent(tenantId), mac, backupTimestamp(at)].join('/');

/** An absolute http(s) URL without credentials, query or fragment, of at most maxBaseUrlLength characters: a WebDAV collection to store under. */
export function isBackupTargetUrl(text: string): boolean {
  if (text.length > maxBaseUrlLength || !URL.canParse(text)) return false;
  const url = new URL(text);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '' && url.search === '' && url.hash === '';
}

export const BackupTargetUrl = boundedString(
  'BackupTargetUrl',
  maxBaseUrlLength,
  `expected an absolute http or https URL without credentials, query or fragment, of at most ${maxBaseUrlLength} characters`,
  isBackupTargetUrl,
);
