// Every write the REST API offers has a CLI command (DESIGN: every UI action is an API call and
// a CLI command): each command declares the operations it calls (bin/api-operation.ts), and
// those declarations are held against the hub's own OpenAPI document and `tether --help`.
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationsOf } from '../../bin/api-operation.js';
import { tetherProgram } from '../../bin/program.js';
import { startTestHub } from '../api/hub-harness.js';
import type { TestHub } from '../api/hub-harness.js';

interface Document {
  readonly paths: Record<string, Record<string, { readonly tags?: readonly string[] }>>;
}

/** Writes with no command of their own, each with the reason. */
const uncovered: Readonly<Record<string, string>> = {
  // `tether proxies rm ID...` removes one profile or several, all or none, through POST
  // /api/v1/proxies/remove; a second command for one id would be two ways to do one thing.
  'DELETE /api/v1/proxies/{id}': 'tether proxies rm',
};

/** Route families no person drives from a terminal. */
const familiesWithoutCommand: Readonly<Record<string, string>> = {
  // /healthz, /readyz and /metrics are for load balancers, orchestrators and Prometheus.
  operations: 'probes and scrapes',
};

const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface Declared {
  /** `tenants create` */
  readonly command: string;
  readonly operation: string;
}

function declarations(command: Command, path: readonly string[] = []): Declared[] {
  const here = [...path, command.name()];
  const own = operationsOf(command).map((operation) => ({ command: here.slice(1).join(' '), operation }));
  return [...own, ...command.commands.flatMap((sub) => declarations(sub, here))];
}

/** The command names `tether --help` lists. */
function helpCommands(program: Command): string[] {
  const help = program.helpInformation();
  const listed = help.slice(help.indexOf('Commands:'));
  return [...listed.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((match) => match[1] ?? '');
}

describe('the CLI covers the API', () => {
  let t: TestHub;
  let tagsOf: Map<string, readonly string[]>;
  const program = tetherProgram();
  const declared = declarations(program);

  beforeAll(async () => {
    t = await startTestHub();
    const response = await t.call({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    const document = response.json<Document>();
    tagsOf = new Map(
      Object.entries(document.paths).flatMap(([path, byMethod]) =>
        Object.entries(byMethod).map(([method, operation]): [string, readonly string[]] => [`${method.toUpperCase()} ${path}`, operation.tags ?? []]),
      ),
    );
  });

  afterAll(async () => {
    await t.close();
  });

  const writes = (): string[] => [...tagsOf.keys()].filter((operation) => writeMethods.has(operation.split(' ')[0] ?? '')).sort();

  it('every write operation has a command, unless listed with its reason', () => {
    const covered = new Set(declared.map((entry) => entry.operation));
    expect(writes().filter((operation) => !covered.has(operation) && uncovered[operation] === undefined)).toEqual([]);
  });

  it('every operation a command declares is one the hub documents', () => {
    expect(declared.filter((entry) => !tagsOf.has(entry.operation))).toEqual([]);
  });

  it('the exceptions are writes the hub documents that no command declares', () => {
    const covered = new Set(declared.map((entry) => entry.operation));
    for (const operation of Object.keys(uncovered)) {
      expect(writes(), operation).toContain(operation);
      expect(covered.has(operation), operation).toBe(false);
    }
  });

  it('`tether --help` lists a command for every documented route family', () => {
    const listed = new Set(helpCommands(program));
    const families = new Set([...tagsOf.values()].flat());
    const withoutCommand = [...families].filter(
      (family) =>
        familiesWithoutCommand[family] === undefined &&
        !declared.some((entry) => listed.has(entry.command.split(' ')[0] ?? '') && (tagsOf.get(entry.operation) ?? []).includes(family)),
    );
    expect(withoutCommand).toEqual([]);
    expect(listed).toContain('tenants');
  });
});
