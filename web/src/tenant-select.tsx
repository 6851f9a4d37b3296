// Picking a tenant among those the viewer sees: alone (labelled by the row it acts on, or
// with an "any" choice for a filter), or as a form field with the API's error beside it.
import type { JSX } from 'preact';
import { Field } from './fields.js';
import type { Framed } from './fields.js';
import type { Tenant } from './models.js';

interface TenantSelectProps {
  readonly tenants: readonly Tenant[];
  readonly value: string;
  readonly onChange: (tenant: string) => void;
  readonly id?: string;
  /** Its accessible name when no <label> points at it. */
  readonly label?: string;
  /** The text of a first, empty choice (a filter's "any"). */
  readonly any?: string;
}

export function TenantSelect({ tenants, value, onChange, id, label, any }: TenantSelectProps): JSX.Element {
  return (
    <select id={id} aria-label={label} value={value} onChange={(event) => onChange(event.currentTarget.value)}>
      {any === undefined ? null : <option value="">{any}</option>}
      {tenants.map((tenant) => (
        <option key={tenant.id} value={tenant.id}>
          {tenant.id}
        </option>
      ))}
    </select>
  );
}

interface TenantFieldProps extends Framed {
  readonly tenants: readonly Tenant[];
  readonly value: string;
  readonly onChange: (tenant: string) => void;
}

export function TenantField({ label, path, errors, scope, ...select }: TenantFieldProps): JSX.Element {
  return (
    <Field label={label} path={path} errors={errors} scope={scope}>
      {(id) => <TenantSelect id={id} {...select} />}
    </Field>
  );
}
