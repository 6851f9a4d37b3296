// What an admin says of a device: its name, the site it stands at, and categories that jobs
// select it by (beside those it reports). An empty field clears it; each error shows beside
// its field. A field follows the live device until the viewer types in it; from then on it
// holds what was typed (a live change elsewhere does not overwrite it) for as long as the
// form is open.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { TextField, useSubmit } from '../fields.js';
import type { Device } from '../models.js';
import type { Session } from '../session.js';
import { commaList } from '../text.js';
import { Problem } from '../ui.js';

type Detail = 'name' | 'site' | 'categories';

const orNull = (text: string): string | null => (text.trim() === '' ? null : text.trim());

const liveText = (device: Device): Readonly<Record<Detail, string>> => ({ name: device.name ?? '', site: device.site ?? '', categories: device.adminCategories.join(', ') });

export function DeviceDetailsForm({ device, session }: { readonly device: Device; readonly session: Session }): JSX.Element {
  const [typed, setTyped] = useState<Partial<Record<Detail, string>>>({});
  const [saved, setSaved] = useState(false);
  const shown = { ...liveText(device), ...typed };
  const action = useSubmit(async () => {
    setSaved(false);
    await call(session, 'PATCH', `/devices/${device.mac}`, { name: orNull(shown.name), site: orNull(shown.site), categories: commaList(shown.categories) });
    setSaved(true);
  });
  const { errors } = action;

  const field = (label: string, detail: Detail): JSX.Element => (
    <TextField label={label} path={`body.${detail}`} errors={errors} scope="details" value={shown[detail]} onInput={(text) => setTyped({ ...typed, [detail]: text })} />
  );

  return (
    <form class="inline" onSubmit={action.submit} aria-labelledby="device-details-title">
      <h2 id="device-details-title">Name, site and categories</h2>
      {field('Name', 'name')}
      {field('Site', 'site')}
      {field('Categories (comma-separated)', 'categories')}
      <button type="submit" disabled={action.busy}>
        Save
      </button>
      {saved ? <span role="status">Saved.</span> : null}
      <Problem error={Object.keys(errors).length === 0 ? action.error : undefined} />
    </form>
  );
}
