// Every route in /docs/json gets malformed bodies, queries and params (types, sizes, unicode,
// `__proto__`, huge numbers) as admin, tenant-admin and anonymous: no 5xx, every refusal in the
// one error shape, and nothing appended on any 4xx. Deterministic: TETHER_FUZZ_SEED replays a run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '../support/seeded-random.js';
import { startFuzzHub, tenantPasswords } from './fuzz/fuzz-fixture.js';
import type { FuzzFixture } from './fuzz/fuzz-fixture.js';
import { forgedAuthorizations } from './fuzz/forged-tokens.js';
import { exampleOf, fuzzRequest, oversizeBody } from './fuzz/fuzz-requests.js';
import type { FuzzRequest, Operation } from './fuzz/fuzz-requests.js';
import { openApiOperations } from './fuzz/openapi-operations.js';

const seed = Number(process.env.TETHER_FUZZ_SEED ?? 20_261_204);
const casesPerPrincipal = Number(process.env.TETHER_FUZZ_CASES ?? 10);
const principals = ['admin', 'tenant-admin', 'anonymous'] as const;
type PrincipalName = (typeof principals)[number];

interface Finding {
  readonly principal: PrincipalName;
  readonly request: FuzzRequest;
  readonly status: number;
  readonly problem: string;
  readonly body: string;
}

/** The store's own refusals: a route that answers with one let input through that its codecs should have refused. */
const storeRefusals: readonly string[] = ['invalid_stream_name', 'stream_not_found', 'invalid_event', 'corrupt_event'];

interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details: readonly string[] };
}

const isErrorBody = (body: unknown): body is ErrorBody => {
  if (typeof body !== 'object' || body === null) return false;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, details } = error as Record<string, unknown>;
  return typeof code === 'string' && typeof message === 'string' && Array.isArray(details) && details.every((d) => typeof d === 'string');
};

const jsonOrUndefined = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const excerpt = (text: string | undefined): string => (text === undefined ? '' : text.length > 200 ? `${text.slice(0, 200)}… (${text.length} chars)` : text);

describe('route fuzz', () => {
  let fixture: FuzzFixture;
  let operations: Operation[];
  let forged: readonly string[];
  const tokens = new Map<PrincipalName, string>();

  beforeAll(async () => {
    fixture = await startFuzzHub();
    tokens.set('admin', fixture.admin);
    tokens.set('tenant-admin', await fixture.t.tenantToken('acme', tenantPasswords.acme ?? ''));
    const docs = await fixture.t.call({ method: 'GET', url: '/docs/json' });
    expect(docs.statusCode).toBe(200);
    operations = openApiOperations(docs.json());
    forged = forgedAuthorizations(fixture.admin, tokens.get('tenant-admin') ?? '');
    await settle();
  });
  afterAll(async () => fixture.t.close());

  /** The fuzz may change acme's password with a body that happens to be valid: the tenant-admin logs in again. */
  async function followPasswordChange(request: FuzzRequest, status: number): Promise<void> {
    if (status >= 300 || request.method !== 'PUT' || request.url !== '/api/v1/tenants/acme/password') return;
    const body = jsonOrUndefined(request.payload ?? '') as { password: string };
    tokens.set('tenant-admin', await fixture.t.tenantToken('acme', body.password));
  }

  /** Anonymous callers send no token, or half the time a forged one. */
  const authorizationOf = (random: SeededRandom, principal: PrincipalName): FuzzRequest['headers'] => {
    if (principal !== 'anonymous') return {};
    return random.chance(0.5) ? { authorization: random.pick(forged) } : {};
  };

  /**
   * Work a successful request starts in the background (a new job's JobStarted) is appended some
   * event-loop turns later and must not land in the next case's window. The hub schedules that
   * work with setImmediate (the job pool, the store's group commit), so the head staying put
   * over several such turns means it is done. No timer is waited on.
   */
  async function settle(): Promise<void> {
    let head = await fixture.t.head();
    for (let still = 0, turns = 0; still < 10 && turns < 1000; turns += 1) {
      await new Promise((resolve) => setImmediate(resolve));
      const now = await fixture.t.head();
      still = now === head ? still + 1 : 0;
      head = now;
    }
  }

  async function send(principal: PrincipalName, operation: Operation, request: FuzzRequest, client: number): Promise<Finding | undefined> {
    const { t } = fixture;
    const before = await t.head();
    const token = tokens.get(principal);
    // A client address per case, so that limits kept per address do not answer most cases alike.
    const remoteAddress = `127.0.${1 + (client >> 8)}.${client & 0xff}`;
    const response = await t.call({ ...request, remoteAddress, ...(token === undefined ? {} : { token }) });
    const after = await t.head();
    const found = (problem: string): Finding => ({ principal, request, status: response.statusCode, problem, body: response.body });
    if (response.statusCode >= 500) return found('a 5xx');
    if (response.statusCode < 400 && principal === 'anonymous' && operation.secured) return found('a secured route served an anonymous or forged caller');
    if (response.statusCode >= 400 && !isErrorBody(jsonOrUndefined(response.body))) return found('an error body not in the documented shape');
    const code = isErrorBody(jsonOrUndefined(response.body)) ? (response.json() as ErrorBody).error.code : undefined;
    if (code !== undefined && storeRefusals.includes(code)) return found(`input the route let through to the store (${code})`);
    if (response.statusCode >= 400 && after !== before) {
      const appended = (await t.hub.store.readAll({ after: before })).map((event) => event.type);
      // A failed login is recorded by design: the login throttle counts failures cluster-wide from the store.
      const loginFailure = response.statusCode === 401 && appended.every((type) => type === 'LoginFailed');
      if (!loginFailure) return found(`a ${response.statusCode} appended ${appended.join(', ')}`);
    }
    if (response.statusCode < 300) await settle();
    await followPasswordChange(request, response.statusCode);
    return undefined;
  }

  it('answers every malformed request with a 2xx, or a 4xx that appended nothing', { timeout: 60_000 }, async () => {
    const random = new SeededRandom(seed);
    const findings: Finding[] = [];
    let client = 0;
    expect(operations.length).toBeGreaterThan(60);
    for (const operation of operations) {
      const key = `${operation.method} ${operation.path}`;
      const withBody = operation.method !== 'GET';
      for (const principal of principals) {
        for (let i = 0; i < casesPerPrincipal; i += 1) {
          const example = fixture.examples[key] ?? (operation.bodySchema === undefined ? {} : exampleOf(random, operation.bodySchema, 'body', fixture.known));
          const generated = fuzzRequest(random, operation, fixture.known, example);
          const headers = { ...(withBody ? generated.headers : {}), ...authorizationOf(random, principal) };
          const request = { ...generated, headers, ...(withBody ? {} : { payload: undefined }) };
          const finding = await send(principal, operation, request, (client += 1));
          if (finding) findings.push(finding);
        }
      }
      if (withBody) {
        const oversize = { method: operation.method, url: operation.path, headers: { 'content-type': 'application/json' }, payload: oversizeBody() };
        const finding = await send('admin', operation, oversize, (client += 1));
        if (finding) findings.push(finding);
      }
    }
    const report = findings.map((f) => `${f.problem}: ${f.principal} ${f.request.method} ${excerpt(f.request.url)} ${excerpt(f.request.payload)} → ${f.status} ${excerpt(f.body)}`);
    expect(report, `route fuzz seed ${seed} (TETHER_FUZZ_SEED=${seed} replays it)`).toEqual([]);
  });
});
