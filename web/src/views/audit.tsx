// Audit: verify the per-stream hash chains (the first broken link named), and export the
// events of a time range as NDJSON.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call, query, send } from '../api.js';
import { TextField, useSubmit } from '../fields.js';
import type { Session } from '../session.js';
import { isoOf } from '../text.js';
import { Problem, useAction } from '../ui.js';

type Verdict =
  | { readonly ok: true; readonly streams: number; readonly events: number }
  | { readonly ok: false; readonly firstBreak: { readonly stream: string; readonly revision: number; readonly position: number; readonly reason: string } };

export function AuditView({ session }: { readonly session: Session }): JSX.Element {
  const [verdict, setVerdict] = useState<Verdict | undefined>(undefined);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const verify = useAction();
  const exporting = useSubmit(async () => {
    const response = await send(session, 'GET', `/audit/events${query({ from: isoOf(from), to: isoOf(to) })}`);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(await response.blob());
    link.download = 'tether-events.ndjson';
    link.click();
    URL.revokeObjectURL(link.href);
  });
  const { errors } = exporting;

  const check = (): void => {
    void verify.run(async () => setVerdict(await call<Verdict>(session, 'GET', '/audit/verify')));
  };
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit</h1>
      <h2>Hash chain</h2>
      <button type="button" onClick={check} disabled={verify.busy}>
        Verify the hash chain
      </button>
      <Problem error={verify.error} />
      {verdict === undefined ? null : (
        <p role="status" class={verdict.ok ? 'verdict-ok' : 'problem'}>
          {verdict.ok
            ? `Intact: ${verdict.events} events in ${verdict.streams} streams checked.`
            : `Broken at ${verdict.firstBreak.stream} revision ${verdict.firstBreak.revision} (position ${verdict.firstBreak.position}): ${verdict.firstBreak.reason}`}
        </p>
      )}
      <h2>Export events (NDJSON)</h2>
      <form class="inline" onSubmit={exporting.submit} aria-label="Export events">
        <TextField label="From (local time)" path="query.from" errors={errors} type="datetime-local" value={from} onInput={setFrom} />
        <TextField label="To (local time)" path="query.to" errors={errors} type="datetime-local" value={to} onInput={setTo} />
        <button type="submit" disabled={exporting.busy}>
          Export
        </button>
      </form>
      <Problem error={exporting.error} />
    </section>
  );
}
