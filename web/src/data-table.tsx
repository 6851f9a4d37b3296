// The console's one table: a header of columns, a row an item, and a line in place of rows
// when there are none. A column may replace its header text (a sort button) and say how the
// rows are sorted by it.
import type { ComponentChildren, JSX } from 'preact';

export interface Column<T> {
  readonly label: string;
  readonly cell: (row: T) => ComponentChildren;
  /** Shown in the header instead of the label. */
  readonly header?: ComponentChildren;
  readonly sort?: 'ascending' | 'descending';
}

interface DataTableProps<T> {
  readonly label?: string;
  readonly class?: string;
  /** False for a column this viewer does not get (e.g. actions it may not take). */
  readonly columns: readonly (Column<T> | false)[];
  readonly rows: readonly T[];
  readonly rowKey: (row: T, index: number) => string | number;
  /** data-* attributes of a row, for tests and styles (e.g. { 'data-mac': mac }). */
  readonly rowData?: (row: T) => Readonly<Record<`data-${string}`, string>>;
  /** Said below the table when it has no rows. */
  readonly empty?: string;
}

export function DataTable<T>({ label, class: className, columns, rows, rowKey, rowData, empty }: DataTableProps<T>): JSX.Element {
  const shown = columns.filter((column): column is Column<T> => column !== false);
  return (
    <>
      <table aria-label={label} class={className}>
        <thead>
          <tr>
            {shown.map((column) => (
              <th key={column.label} scope="col" aria-sort={column.sort}>
                {column.header ?? column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={rowKey(row, index)} {...rowData?.(row)}>
              {shown.map((column) => (
                <td key={column.label}>{column.cell(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {empty !== undefined && rows.length === 0 ? <p>{empty}</p> : null}
    </>
  );
}
