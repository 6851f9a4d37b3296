// `tether audit replay|export`: a session's timeline as auditors read it (who did what, from
// which address, when), and the store's events as NDJSON streamed to stdout.
import { Command } from 'commander';
import { calls } from './api-operation.js';
import { formatMac } from '../domain/device/mac.js';
import type { ClientFlags, JsonFlags } from './client-config.js';
import { clientFrom, withClientOptions } from './client-options.js';
import { formatFields, formatTable, printJson } from './output.js';
import type { Column } from './output.js';
import { queryString } from './query-string.js';
import { SessionTimeline, SessionView } from './session-views.js';
import type { TimelineEntry } from './session-views.js';

const sessionPath = (id: string): string => `/api/v1/sessions/${encodeURIComponent(id)}`;

const who = (principal: { readonly id: string; readonly role: string }): string => `${principal.id} (${principal.role})`;

const shown = (value: unknown): string => (typeof value === 'string' && /^\S+$/.test(value) ? value : JSON.stringify(value));

/** An event's data as `key=value` pairs, in the order the event has them. */
const detailsOf = (data: Readonly<Record<string, unknown>>): string =>
  Object.entries(data)
    .map(([key, value]) => `${key}=${shown(value)}`)
    .join(' ');

const timelineColumns: readonly Column<TimelineEntry>[] = [
  { title: 'AT', cell: (entry) => entry.at },
  { title: 'EVENT', cell: (entry) => entry.type },
  { title: 'WHO', cell: (entry) => who(entry.who) },
  { title: 'IP', cell: (entry) => entry.ip },
  { title: 'DETAILS', cell: (entry) => detailsOf(entry.data) },
];

function summary(session: SessionView): string {
  const how = `${session.protocol}${session.encrypted ? ', encrypted' : ''}`;
  const ended = session.endTime === undefined ? undefined : `${session.endTime}, cause ${session.terminationCause ?? 'unknown'}`;
  return formatFields([
    ['session', `${session.id} (${session.kind}, ${session.state})`],
    ['device', `${formatMac(session.device)} port ${session.devicePort} (${how}), tenant ${session.tenantId}`],
    ['opened', `${session.createdTime} by ${who(session.requestedBy)}${session.userIP === undefined ? '' : ` from ${session.userIP}`}`],
    ['client', session.clientIP],
    ['device ip', session.agentIP],
    ['closed', ended],
    ['bytes', `${session.bytesTransferred} (${session.bytesToDevice} to the device, ${session.bytesFromDevice} from it)`],
  ]);
}

async function runReplay(id: string, options: JsonFlags): Promise<void> {
  const { client } = clientFrom(options);
  const session = await client.call('GET', sessionPath(id), SessionView);
  const timeline = await client.call('GET', `${sessionPath(id)}/timeline`, SessionTimeline);
  if (options.json === true) return printJson({ session, events: timeline.events });
  process.stdout.write(`${summary(session)}\n${formatTable(timeline.events, timelineColumns)}`);
}

interface ExportOptions extends ClientFlags {
  readonly from?: string;
  readonly to?: string;
  readonly stream?: string;
  readonly category?: string;
  readonly type?: string;
  readonly actor?: string;
}

async function runExport(options: ExportOptions): Promise<void> {
  const { client } = clientFrom(options);
  const { from, to, stream, category, type, actor } = options;
  await client.download(`/api/v1/audit/events${queryString({ from, to, stream, category, type, actor })}`, process.stdout);
}

const replayCommand = (): Command =>
  calls(
    withClientOptions(
      new Command('replay')
        .description("print a session's timeline: every event in order, who caused it, from which IP, when")
        .argument('<session>', 'the session id (`tether sessions ls` lists them)')
        .option('--json', 'print {session, events} as one JSON object'),
    ),
    'GET /api/v1/sessions/{id}',
    'GET /api/v1/sessions/{id}/timeline',
  ).action((id: string, options: JsonFlags) => runReplay(id, options));

const exportCommand = (): Command =>
  calls(
    withClientOptions(
      new Command('export')
        .description('write the stored events to stdout as NDJSON (one event per line), as they arrive; password hashes and sealed values show as [redacted] (the hub verifies the chains: GET /api/v1/audit/verify)')
        .option('--from <time>', 'events recorded at or after this moment (ISO 8601, e.g. 2026-01-01 or 2026-01-01T08:00:00Z)')
        .option('--to <time>', 'events recorded at or before this moment (ISO 8601)')
        .option('--stream <name>', 'only this stream, e.g. tunnel-<id> or device-<mac>')
        .option('--category <name>', 'only streams of this category, e.g. tunnel, device, tenant')
        .option('--type <type>', 'only events of this type, e.g. TunnelClosed')
        .option('--actor <id>', 'only events caused by this principal, e.g. admin'),
    ),
    'GET /api/v1/audit/events',
  )
    .addHelpText('after', '\nExample:\n  tether audit export --from 2026-01-01 --to 2026-12-31T23:59:59Z > audit-2026.ndjson')
    .action((options: ExportOptions) => runExport(options));

export const auditCommand = (): Command =>
  new Command('audit').description('audit: session timelines and the event log').addCommand(replayCommand()).addCommand(exportCommand());
