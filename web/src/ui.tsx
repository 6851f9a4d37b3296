// Small building blocks every view uses: times, form fields with the API's error beside
// them, error banners, the live subscription hook.
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.js';
import type { LiveModels } from './live.js';
import { follow } from './router.js';

/** Re-renders the caller whenever the live models changed. */
export function useLive(live: LiveModels): number {
  const [version, setVersion] = useState(live.version);
  useEffect(() => live.listen(() => setVersion(live.version)), [live]);
  return version;
}

/** A time in the viewer's zone, its UTC value on hover. */
export function Time({ iso }: { readonly iso: string | null | undefined }): JSX.Element {
  if (iso === null || iso === undefined) return <span>—</span>;
  const date = new Date(iso);
  return (
    <time dateTime={iso} title={date.toISOString()}>
      {date.toLocaleString()}
    </time>
  );
}

export function Link({ href, children }: { readonly href: string; readonly children: ComponentChildren }): JSX.Element {
  return (
    <a href={href} onClick={follow}>
      {children}
    </a>
  );
}

/** The field errors of a failed request: the message of each path it named. */
export type FieldErrors = Readonly<Record<string, string>>;

export function fieldErrors(error: unknown): FieldErrors {
  if (!(error instanceof ApiError)) return {};
  return Object.fromEntries(error.details.map((path) => [path, error.message]));
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

export function Problem({ error }: { readonly error: unknown }): JSX.Element | null {
  if (error === undefined) return null;
  return (
    <p class="problem" role="alert">
      {errorText(error)}
    </p>
  );
}

interface FieldProps {
  readonly label: string;
  /** The request path the API names for this field, e.g. body.devicePort. */
  readonly path: string;
  readonly errors: FieldErrors;
  /** Tells apart forms on one page that name the same request path (ids must be unique). */
  readonly scope?: string;
  readonly children: (id: string, describedBy: string | undefined) => ComponentChildren;
}

/** The error for a field: its own path's, or else the first within it (named, e.g. body.document.devices[0].id). */
function errorWithin(errors: FieldErrors, path: string): string | undefined {
  if (errors[path] !== undefined) return errors[path];
  const nested = Object.keys(errors).find((named) => named.startsWith(`${path}.`) || named.startsWith(`${path}[`));
  return nested === undefined ? undefined : `${nested}: ${errors[nested] ?? ''}`;
}

export function Field({ label, path, errors, scope, children }: FieldProps): JSX.Element {
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

/** Runs an action once at a time, keeping its error for display. */
export function useAction(): { readonly busy: boolean; readonly error: unknown; readonly run: (action: () => Promise<void>) => Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const run = async (action: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

export function CopyButton({ text, label }: { readonly text: string; readonly label: string }): JSX.Element {
  const [copied, setCopied] = useState(false);
  const copy = (): void => {
    navigator.clipboard.writeText(text).then(() => setCopied(true), () => setCopied(false));
  };
  return (
    <button type="button" onClick={copy} aria-label={label}>
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}
