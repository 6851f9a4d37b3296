// Import a catalog (firmware.json, apps.json, software.json) by URL or by upload; a refused
// file shows the path of its first problem.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { ChoiceField, Field, TextField, useSubmit } from '../fields.js';
import type { Options } from '../fields.js';
import type { Session } from '../session.js';
import { Problem } from '../ui.js';

type Kind = 'firmware' | 'apps' | 'software';
const kinds: Options<Kind> = [
  ['firmware', 'firmware.json'],
  ['apps', 'apps.json'],
  ['software', 'software.json'],
];

export function CatalogImport({ session }: { readonly session: Session }): JSX.Element {
  const [kind, setKind] = useState<Kind>('firmware');
  const [url, setUrl] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [file, setFile] = useState<File | undefined>(undefined);
  const [done, setDone] = useState('');
  const action = useSubmit(async () => {
    setDone('');
    const base = baseUrl === '' ? {} : { baseUrl };
    const body = file === undefined ? { url, ...base } : { document: JSON.parse(await file.text()) as unknown, ...base };
    await call(session, 'PUT', `/catalog/${kind}`, body);
    setDone(`${kind} catalog imported`);
  });
  const { errors } = action;
  return (
    <form class="inline" onSubmit={action.submit} aria-labelledby="catalog-title">
      <h2 id="catalog-title">Import a catalog</h2>
      <ChoiceField label="Catalog" path="params.kind" errors={errors} scope="catalog" value={kind} options={kinds} onChange={setKind} />
      <TextField label="URL" path="body.url" errors={errors} scope="catalog" type="url" value={url} onInput={setUrl} />
      <Field label="Or upload" path="body.document" errors={errors} scope="catalog">
        {(id, describedBy) => (
          <input id={id} aria-describedby={describedBy} type="file" accept="application/json" onChange={(event) => setFile(event.currentTarget.files?.[0])} />
        )}
      </Field>
      <TextField label="Base URL of the binaries" path="body.baseUrl" errors={errors} scope="catalog" type="url" value={baseUrl} onInput={setBaseUrl} />
      <button type="submit" disabled={action.busy}>
        Import
      </button>
      {done === '' ? null : <p role="status">{done}</p>}
      <Problem error={action.error} />
    </form>
  );
}
