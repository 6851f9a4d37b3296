// Small building blocks every view uses: times, links, error banners, row buttons, the live
// subscription hook (form fields are in fields.tsx).
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.js';
import type { LiveModels } from './live.js';
import { follow } from './router.js';

/**
 * Re-renders the caller whenever the live models changed. The console alone calls it: its
 * views render with it, so one change renders a view once (a view of its own would be a
 * second subscriber and, without batching, a second render).
 */
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

/** A button in a row of a table: its verb shown, the row it acts on named for screen readers. */
export function RowButton({ verb, subject, onClick, disabled }: { readonly verb: string; readonly subject: string; readonly onClick: () => void; readonly disabled?: boolean }): JSX.Element {
  return (
    <button type="button" onClick={onClick} disabled={disabled}>
      {verb} <span class="visually-hidden">{subject}</span>
    </button>
  );
}

/** An on/off switch in a row of a table, named for the row it belongs to. */
export function Switch({ on, subject, disabled, onChange }: { readonly on: boolean; readonly subject: string; readonly disabled: boolean; readonly onChange: (on: boolean) => void }): JSX.Element {
  return (
    <label>
      <input type="checkbox" role="switch" checked={on} disabled={disabled} onChange={(event) => onChange(event.currentTarget.checked)} /> {on ? 'on' : 'off'}
      <span class="visually-hidden"> for {subject}</span>
    </label>
  );
}
