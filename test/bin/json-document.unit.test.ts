// The bodies `tether proxies|apps create|update --file` read: one JSON object, or a one-line refusal.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readJsonDocument } from '../../bin/json-document.js';

const dir = mkdtempSync(join(tmpdir(), 'tether-json-document-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fileWith = (name: string, text: string): string => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('readJsonDocument', () => {
  it('reads one JSON object', async () => {
    expect(await readJsonDocument(fileWith('ok.json', '{"id":"grafana","enabled":true}'))).toEqual({ id: 'grafana', enabled: true });
  });

  it('refuses what is not one JSON object, naming the file', async () => {
    const array = fileWith('array.json', '[{"id":"grafana"}]');
    await expect(readJsonDocument(array)).rejects.toThrow(`--file ${array}: expected one JSON object`);
    const text = fileWith('text.json', 'id: grafana');
    await expect(readJsonDocument(text)).rejects.toThrow(new RegExp(`--file ${text}: not JSON`));
    await expect(readJsonDocument(fileWith('null.json', 'null'))).rejects.toThrow(/expected one JSON object/);
  });

  it('refuses a file it cannot read', async () => {
    const missing = join(dir, 'missing.json');
    await expect(readJsonDocument(missing)).rejects.toThrow(new RegExp(`--file ${missing}: ENOENT`));
  });
});
