// Import a catalog (firmware.json, apps.json, software.json) by URL or by upload; a refused
// file shows the path of its first problem.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import type { Session } from '../session.js';
import { Field, Problem, fieldErrors, useAction } from '../ui.js';

export function CatalogImport({ session }: { readonly session: Session }): JSX.Element {
  const [kind, setKind] = useState('firmware');
  const [url, setUrl] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [file, setFile] = useState<File | undefined>(undefined);
  const [done, setDone] = useState('');
  const action = useAction();
  const errors = fieldErrors(action.error);
  const submit = (event: Event): void => {
    event.preventDefault();
    setDone('');
    void action.run(async () => {
      const base = baseUrl === '' ? {} : { baseUrl };
      const body = file === undefined ? { url, ...base } : { document: JSON.parse(await file.text()) as unknown, ...base };
      await call(session, 'PUT', `/catalog/${kind}`, body);
      setDone(`${kind} catalog imported`);
    });
  };
  return (
    <form class="inline" onSubmit={submit} aria-labelledby="catalog-title">
      <h2 id="catalog-title">Import a catalog</h2>
      <Field label="Catalog" path="params.kind" errors={errors} scope="catalog">
        {(id) => (
          <select id={id} value={kind} onChange={(event) => setKind(event.currentTarget.value)}>
            <option value="firmware">firmware.json</option>
            <option value="apps">apps.json</option>
            <option value="software">software.json</option>
          </select>
        )}
      </Field>
      <Field label="URL" path="body.url" errors={errors} scope="catalog">
        {(id, describedBy) => <input id={id} aria-describedby={describedBy} type="url" value={url} onInput={(event) => setUrl(event.currentTarget.value)} />}
      </Field>
      <Field label="Or upload" path="body.document" errors={errors} scope="catalog">
        {(id, describedBy) => (
          <input id={id} aria-describedby={describedBy} type="file" accept="application/json" onChange={(event) => setFile(event.currentTarget.files?.[0])} />
        )}
      </Field>
      <Field label="Base URL of the binaries" path="body.baseUrl" errors={errors} scope="catalog">
        {(id, describedBy) => <input id={id} aria-describedby={describedBy} type="url" value={baseUrl} onInput={(event) => setBaseUrl(event.currentTarget.value)} />}
      </Field>
      <button type="submit" disabled={action.busy}>
        Import
      </button>
      {done === '' ? null : <p role="status">{done}</p>}
      <Problem error={action.error} />
    </form>
  );
}
