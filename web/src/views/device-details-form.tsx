// What an admin says of a device: its name, the site it stands at, and categories that jobs
// select it by (beside those it reports). An empty field clears it; each error shows beside
// its field.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import type { Device } from '../models.js';
import type { Session } from '../session.js';
import { Field, Problem, fieldErrors, useAction } from '../ui.js';

const orNull = (text: string): string | null => (text.trim() === '' ? null : text.trim());
const categoryList = (text: string): string[] =>
  text
    .split(',')
    .map((category) => category.trim())
    .filter((category) => category !== '');

export function DeviceDetailsForm({ device, session }: { readonly device: Device; readonly session: Session }): JSX.Element {
  const [name, setName] = useState(device.name ?? '');
  const [site, setSite] = useState(device.site ?? '');
  const [categories, setCategories] = useState(device.adminCategories.join(', '));
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const errors = fieldErrors(action.error);

  const save = (event: Event): void => {
    event.preventDefault();
    setSaved(false);
    void action.run(async () => {
      await call(session, 'PATCH', `/devices/${device.mac}`, { name: orNull(name), site: orNull(site), categories: categoryList(categories) });
      setSaved(true);
    });
  };
  const text = (label: string, path: string, value: string, set: (value: string) => void): JSX.Element => (
    <Field label={label} path={path} errors={errors} scope="details">
      {(id, describedBy) => <input id={id} aria-describedby={describedBy} value={value} onInput={(event) => set(event.currentTarget.value)} />}
    </Field>
  );

  return (
    <form class="inline" onSubmit={save} aria-labelledby="device-details-title">
      <h2 id="device-details-title">Name, site and categories</h2>
      {text('Name', 'body.name', name, setName)}
      {text('Site', 'body.site', site, setSite)}
      {text('Categories (comma-separated)', 'body.categories', categories, setCategories)}
      <button type="submit" disabled={action.busy}>
        Save
      </button>
      {saved ? <span role="status">Saved.</span> : null}
      <Problem error={Object.keys(errors).length === 0 ? action.error : undefined} />
    </form>
  );
}
