// What the admin commands print: an aligned table for people, one JSON document per line
// (`--json`) for scripts.
import type { Writable } from 'node:stream';

export type Cell = string | number | boolean | undefined | null;

export interface Column<Row> {
  readonly title: string;
  readonly cell: (row: Row) => Cell;
}

const text = (cell: Cell): string => (cell === undefined || cell === null ? '-' : String(cell));

/** Columns padded to their widest cell, two spaces apart; the last one is not padded. */
export function formatTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  const lines = [columns.map((column) => column.title), ...rows.map((row) => columns.map((column) => text(column.cell(row))))];
  const widths = columns.map((_, i) => Math.max(...lines.map((line) => (line[i] ?? '').length)));
  return lines
    .map((line) => line.map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd())
    .map((line) => `${line}\n`)
    .join('');
}

export function printJson(value: unknown, out: Writable = process.stdout): void {
  out.write(`${JSON.stringify(value)}\n`);
}

/** A list as `--json` asks: one JSON document per row, else a table. */
export function printRows<Row>(rows: readonly Row[], columns: readonly Column<Row>[], json: boolean): void {
  if (json) rows.forEach((row) => printJson(row));
  else process.stdout.write(formatTable(rows, columns));
}

/** One `label  value` line per field, values aligned: one record for people. */
export function formatFields(fields: readonly (readonly [string, Cell])[]): string {
  const width = Math.max(0, ...fields.map(([label]) => label.length));
  return fields.map(([label, cell]) => `${label.padEnd(width)}  ${text(cell)}`.trimEnd() + '\n').join('');
}
