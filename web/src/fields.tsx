// Form fields with the API's error beside them: the labelled frame, a text input, a choice
// among fixed options. Each names the request path the hub names in its error details.
import type { ComponentChildren, JSX } from 'preact';
import { ApiError } from './api.js';
import { useAction } from './ui.js';

/** The field errors of a failed request: the message of each path it named. */
export type FieldErrors = Readonly<Record<string, string>>;

export function fieldErrors(error: unknown): FieldErrors {
  if (!(error instanceof ApiError)) return {};
  return Object.fromEntries(error.details.map((path) => [path, error.message]));
}

/** What every field names: its label, the request path of its errors, the form it is in. */
export interface Framed {
  readonly label: string;
  /** The request path the API names for this field, e.g. body.devicePort. */
  readonly path: string;
  readonly errors: FieldErrors;
  /** Tells apart forms on one page that name the same request path (ids must be unique). */
  readonly scope?: string;
}

/** The error for a field: its own path's, or else the first within it (named, e.g. body.document.devices[0].id). */
function errorWithin(errors: FieldErrors, path: string): string | undefined {
  if (errors[path] !== undefined) return errors[path];
  const nested = Object.keys(errors).find((named) => named.startsWith(`${path}.`) || named.startsWith(`${path}[`));
  return nested === undefined ? undefined : `${nested}: ${errors[nested] ?? ''}`;
}

export function Field({ label, path, errors, scope, children }: Framed & { readonly children: (id: string, describedBy: string | undefined) => ComponentChildren }): JSX.Element {
  const id = `field-${scope === undefined ? '' : `${scope}-`}${path.replace(/[^a-zA-Z0-9]/g, '-')}`;
  const error = errorWithin(errors, path);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children(id, error === undefined ? undefined : `${id}-error`)}
      {error === undefined ? null : (
        <span class="field-error" id={`${id}-error`} role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

interface TextFieldProps extends Framed {
  readonly value: string;
  readonly onInput: (value: string) => void;
  readonly type?: 'text' | 'url' | 'password' | 'datetime-local';
  readonly inputMode?: 'numeric';
  readonly autoComplete?: string;
  readonly placeholder?: string;
  readonly readOnly?: boolean;
  readonly required?: boolean;
}

export function TextField({ onInput, type = 'text', ...props }: TextFieldProps): JSX.Element {
  const { label, path, errors, scope, ...input } = props;
  return (
    <Field label={label} path={path} errors={errors} scope={scope}>
      {(id, describedBy) => {
        const common = { id, 'aria-describedby': describedBy, ...input, onInput: (event: { readonly currentTarget: HTMLInputElement }) => onInput(event.currentTarget.value) };
        // One element a type: Preact types an input's attributes by its type.
        if (type === 'password') return <input type="password" {...common} />;
        if (type === 'url') return <input type="url" {...common} />;
        // To the second: the API's times carry seconds.
        if (type === 'datetime-local') return <input type="datetime-local" step={1} {...common} />;
        return <input {...common} />;
      }}
    </Field>
  );
}

/** Each option as [value, text]. */
export type Options<T extends string> = readonly (readonly [T, string])[];

interface ChoiceFieldProps<T extends string> extends Framed {
  readonly value: T;
  readonly options: Options<T>;
  readonly onChange: (value: T) => void;
}

export function ChoiceField<T extends string>({ value, options, onChange, ...frame }: ChoiceFieldProps<T>): JSX.Element {
  const pick = (chosen: string): void => {
    const option = options.find(([optionValue]) => optionValue === chosen);
    if (option !== undefined) onChange(option[0]);
  };
  return (
    <Field {...frame}>
      {(id) => (
        <select id={id} value={value} onChange={(event) => pick(event.currentTarget.value)}>
          {options.map(([optionValue, text]) => (
            <option key={optionValue} value={optionValue}>
              {text}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** useAction for a form: its submit keeps the page and runs the work; its failure's field errors are named. */
export function useSubmit(work: () => Promise<void>): ReturnType<typeof useAction> & { readonly errors: FieldErrors; readonly submit: (event: Event) => void } {
  const action = useAction();
  const submit = (event: Event): void => {
    event.preventDefault();
    void action.run(work);
  };
  return { ...action, errors: fieldErrors(action.error), submit };
}
