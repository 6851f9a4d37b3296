// Provisioning codes of a tenant: issued here and shown once, listed while live, revoked.
// A tenant outside the caller's reach, and a code of another tenant, are not found.
import type { FastifyPluginAsync } from 'fastify';
import * as t from 'io-ts';
import type { Principal } from '../../domain/principal.js';
import { TetherError } from '../../domain/errors.js';
import { provisioningAggregate } from '../../domain/provisioning/aggregate.js';
import { isCodeId } from '../../domain/provisioning/code-id.js';
import type { ProvisioningCommand } from '../../domain/provisioning/commands.js';
import { TenantId } from '../../domain/tenant/tenant-id.js';
import { getProvisioningCode, listLiveProvisioningCodes } from '../../projections/provisioning-codes/index.js';
import type { ProvisioningCodeView } from '../../projections/provisioning-codes/index.js';
import { getTenant } from '../../projections/tenants/index.js';
import { parse } from '../parse.js';
import { routeSchema } from '../openapi/route-schema.js';
import { authorize } from '../permissions.js';
import type { HubServices } from '../plugins/services.js';
import { generateProvisioningCode, provisioningCodeId } from '../provisioning-code-secret.js';
import { readYourWrites } from '../read-your-writes.js';
import { commandContext } from '../request-context.js';
import { assertTenantExists, assertTenantVisible, tenantNotFound } from '../tenant-scope.js';

interface MaxUsesBrand {
  readonly MaxUses: unique symbol;
}
/** How many devices may redeem a code: a whole number of at least 1. */
const MaxUses = t.brand(t.number, (n): n is t.Branded<number, MaxUsesBrand> => Number.isSafeInteger(n) && n >= 1, 'MaxUses');

interface CodeIdBrand {
  readonly CodeId: unique symbol;
}
const CodeId = t.brand(t.string, (s): s is t.Branded<string, CodeIdBrand> => isCodeId(s), 'CodeId');

const IssueBody = t.exact(t.partial({ maxUses: MaxUses }));
const TenantParams = t.exact(t.type({ id: TenantId }));
const CodeParams = t.exact(t.type({ id: TenantId, codeId: CodeId }));

/** The one reply that holds the code itself; the hub keeps only its codeId. */
export interface IssuedProvisioningCode {
  readonly code: string;
  readonly codeId: string;
  readonly expiresAt: string;
  readonly maxUses?: number;
}

export interface ProvisioningCodeList {
  readonly items: readonly ProvisioningCodeView[];
}

const codeNotFound = (codeId: string): TetherError =>
  new TetherError('not_found', `provisioning code ${codeId} not found`, ['params.codeId']);

function assertTenantInReadModel(services: HubServices, principal: Principal, id: string): void {
  assertTenantVisible(services, principal, id);
  if (services.readModels.read((db) => getTenant(db, id)) === undefined) throw tenantNotFound(id);
}

/** The OpenAPI documentation of each route: its summary and the codecs it parses with. */
const docs = {
  issue: routeSchema({ summary: 'Issue a provisioning code (shown once)', tag: 'provisioning codes', params: TenantParams, body: IssueBody }),
  list: routeSchema({ summary: "A tenant's live provisioning codes", tag: 'provisioning codes', params: TenantParams }),
  revoke: routeSchema({ summary: 'Revoke a provisioning code', tag: 'provisioning codes', params: CodeParams }),
};

export const provisioningCodeRoutes: FastifyPluginAsync = async (app) => {
  const { services } = app;
  const { runtime, clock } = services;

  app.post('/tenants/:id/provisioning-codes', { schema: docs.issue }, async (request, reply) => {
    const principal = authorize(request.principal, 'provisioningCode', 'create');
    const { id } = parse(TenantParams, request.params, 'params');
    // A request without a body asks for a code without a use limit.
    const { maxUses } = parse(IssueBody, request.body ?? {}, 'body');
    assertTenantVisible(services, principal, id);
    await assertTenantExists(services, id);
    const code = generateProvisioningCode();
    const codeId = provisioningCodeId(code);
    const command: ProvisioningCommand = {
      type: 'IssueProvisioningCode',
      codeId,
      tenantId: id,
      ...(maxUses === undefined ? {} : { maxUses }),
    };
    await readYourWrites(services, await runtime.execute(provisioningAggregate, codeId, command, commandContext(request, principal)));
    const view = services.readModels.read((db) => getProvisioningCode(db, codeId, clock.now()));
    if (view === undefined) throw new TetherError('unavailable', `provisioning code ${codeId} is not in the read model yet`);
    const issued: IssuedProvisioningCode = {
      code,
      codeId,
      expiresAt: view.expiresAt,
      ...(view.maxUses === undefined ? {} : { maxUses: view.maxUses }),
    };
    return reply.code(201).header('cache-control', 'no-store').send(issued);
  });

  app.get('/tenants/:id/provisioning-codes', { schema: docs.list }, async (request): Promise<ProvisioningCodeList> => {
    const principal = authorize(request.principal, 'provisioningCode', 'read');
    const { id } = parse(TenantParams, request.params, 'params');
    assertTenantInReadModel(services, principal, id);
    return { items: services.readModels.read((db) => listLiveProvisioningCodes(db, id, clock.now())) };
  });

  app.delete('/tenants/:id/provisioning-codes/:codeId', { schema: docs.revoke }, async (request, reply) => {
    const principal = authorize(request.principal, 'provisioningCode', 'delete');
    const { id, codeId } = parse(CodeParams, request.params, 'params');
    assertTenantVisible(services, principal, id);
    // The store, not the read model, says whose code it is: it may have been issued on another hub.
    const { state } = await runtime.load(provisioningAggregate, codeId);
    if (state.matches('absent') || state.context.tenantId !== id) throw codeNotFound(codeId);
    const command: ProvisioningCommand = { type: 'RevokeProvisioningCode' };
    await readYourWrites(services, await runtime.execute(provisioningAggregate, codeId, command, commandContext(request, principal)));
    return reply.code(204).send();
  });
};
