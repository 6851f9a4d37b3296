// What the admin commands print for people and for scripts.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatFields, formatTable, printJson } from '../../bin/output.js';

describe('formatTable', () => {
  it('aligns columns to their widest cell and shows missing cells as -', () => {
    const rows = [
      { mac: '00:11:22:AA:BB:CC', tenant: 'acme', online: true },
      { mac: '00:11:22:AA:BB:CD', tenant: undefined, online: false },
    ];
    const table = formatTable(rows, [
      { title: 'MAC', cell: (row) => row.mac },
      { title: 'TENANT', cell: (row) => row.tenant },
      { title: 'ONLINE', cell: (row) => row.online },
    ]);
    expect(table).toBe(
      ['MAC                TENANT  ONLINE', '00:11:22:AA:BB:CC  acme    true', '00:11:22:AA:BB:CD  -       false', ''].join('\n'),
    );
  });

  it('prints the header alone for no rows', () => {
    expect(formatTable([], [{ title: 'ID', cell: () => 1 }, { title: 'NAME', cell: () => 'x' }])).toBe('ID  NAME\n');
  });
});

describe('printJson', () => {
  it('writes one JSON document per line', () => {
    const out = new PassThrough();
    printJson({ a: 1, b: ['x'] }, out);
    expect(out.read()?.toString()).toBe('{"a":1,"b":["x"]}\n');
  });
});

describe('formatFields', () => {
  it('aligns values after their labels and shows missing values as -', () => {
    expect(formatFields([['mac', '00:11:22:AA:BB:CC'], ['connected since', null], ['tenant', 'acme']])).toBe(
      ['mac              00:11:22:AA:BB:CC', 'connected since  -', 'tenant           acme', ''].join('\n'),
    );
  });
});
