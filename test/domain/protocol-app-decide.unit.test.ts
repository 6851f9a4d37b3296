// Protocol applications (seeds/reverse-connections.txt): templates and their assignment to devices.
import { isLeft } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { parseMac } from '../../domain/device/mac.js';
import { protocolAppAggregate } from '../../domain/protocol-app/aggregate.js';
import { decodeAppTemplate } from '../../domain/protocol-app/app-template.js';
import type { AppTemplate } from '../../domain/protocol-app/app-template.js';
import type { ProtocolAppEvent } from '../../domain/protocol-app/events.js';
import { given } from '../support/given-when-then.js';

const appId = '7d0a3c1e-2b4f-4c8e-9a1d-0f6e5b4c3a21';
const device = parseMac('00:11:22:AA:BB:CC');
const endpoint = parseMac('00:11:22:AA:BB:DD');
const ticketing: AppTemplate = {
  name: 'Ticketing Server Access',
  type: 'dtt-reverse',
  targetEndpoint: endpoint,
  targetHost: 'localhost',
  portMappings: [{ devicePort: 8080, targetPort: 80 }],
};
const created: ProtocolAppEvent = { type: 'ProtocolAppCreated', data: { appId, template: ticketing } };
const assigned: ProtocolAppEvent = { type: 'ProtocolAppAssigned', data: { appId, device, tenantId: 'munich' } };

describe('protocol application decisions', () => {
  it('creates a template with a hub-chosen id', () => {
    given(protocolAppAggregate, []).when({ type: 'CreateProtocolApp', appId, template: ticketing }).then([created]);
    given(protocolAppAggregate, []).when({ type: 'CreateProtocolApp', appId: 'Ticketing', template: ticketing }).thenFails('validation_failed');
  });

  it('assigns to a device once (again is a no-op) and unassigns what is assigned', () => {
    given(protocolAppAggregate, [created]).when({ type: 'AssignProtocolApp', device, tenantId: 'munich' }).then([assigned]);
    given(protocolAppAggregate, [created, assigned]).when({ type: 'AssignProtocolApp', device, tenantId: 'munich' }).then([]);
    given(protocolAppAggregate, [created, assigned]).when({ type: 'UnassignProtocolApp', device }).then([
      { type: 'ProtocolAppUnassigned', data: { appId, device } },
    ]);
    given(protocolAppAggregate, [created]).when({ type: 'UnassignProtocolApp', device }).thenFails('not_found');
  });

  it('refuses everything once deleted', () => {
    const deleted: ProtocolAppEvent = { type: 'ProtocolAppDeleted', data: { appId } };
    given(protocolAppAggregate, [created, assigned]).when({ type: 'DeleteProtocolApp' }).then([deleted]);
    given(protocolAppAggregate, [created, deleted]).when({ type: 'AssignProtocolApp', device, tenantId: 'munich' }).thenFails('not_found');
    given(protocolAppAggregate, [created, deleted]).when({ type: 'UpdateProtocolApp', template: ticketing }).thenFails('not_found');
  });
});

describe('protocol application templates', () => {
  it('reads a dtt-reverse template with its endpoint MAC in any spelling', () => {
    const decoded = decodeAppTemplate({ ...ticketing, targetEndpoint: '00-11-22-aa-bb-dd' });
    expect(!isLeft(decoded) && decoded.right).toEqual(ticketing);
  });

  it('refuses what the type does not allow, naming the field', () => {
    const refusal = (body: unknown): readonly string[] => {
      const decoded = decodeAppTemplate(body, 'body');
      return isLeft(decoded) ? decoded.left.details : [];
    };
    expect(refusal({ name: 'x', type: 'ssh' })).toEqual(['body.type']);
    expect(refusal({ name: 'x', type: 'tcp' })).toEqual(['body.devicePort']);
    expect(refusal({ ...ticketing, targetEndpoint: 'somewhere' })).toEqual(['body.targetEndpoint']);
    expect(refusal({ ...ticketing, portMappings: [] })).toEqual(['body.portMappings']);
    expect(refusal({ ...ticketing, portMappings: [{ devicePort: 1, targetPort: 2 }, { devicePort: 1, targetPort: 3 }] })).toEqual(['body.portMappings']);
    expect(refusal({ name: 'x', type: 'http', devicePort: 80, frameAncestors: ['javascript:alert(1)'] })).toEqual(['body.frameAncestors']);
  });
});
