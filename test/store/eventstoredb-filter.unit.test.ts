// Which events of $all the EventStoreDB adapter asks the server for, and which it keeps.
import { eventTypeFilter, excludeSystemEvents, streamNameFilter } from '@eventstore/db-client';
import { describe, expect, it } from 'vitest';
import { isSystemEvent, matchesFilter, toServerFilter } from '../../store/eventstoredb-filter.js';
import { toSubscribeToAllOptions } from '../../store/eventstoredb-read-requests.js';

describe('filters', () => {
  it('always filters on the server: system events out, else one prefix filter', () => {
    expect(toServerFilter()).toEqual(excludeSystemEvents());
    expect(toServerFilter({ streamPrefixes: [], eventTypes: [] })).toEqual(excludeSystemEvents());
    expect(toServerFilter({ streamPrefixes: ['tenant-', 'device-'] })).toEqual(
      streamNameFilter({ prefixes: ['tenant-', 'device-'] }),
    );
    expect(toServerFilter({ eventTypes: ['TenantCreated'] })).toEqual(eventTypeFilter({ prefixes: ['TenantCreated'] }));
    expect(toServerFilter({ streamPrefixes: ['tenant-'], eventTypes: ['TenantCreated'] })).toEqual(
      streamNameFilter({ prefixes: ['tenant-'] }),
    );
    expect(toSubscribeToAllOptions({ filter: { eventTypes: ['A'] } }).filter).toEqual(eventTypeFilter({ prefixes: ['A'] }));
  });

  it('the excluding regex the server gets drops exactly the $ types', () => {
    const filter = excludeSystemEvents();
    const regex = new RegExp('regex' in filter ? filter.regex : 'missing regex');
    expect(filter.filterOn).toBe('eventType');
    expect(['$>', '$metadata', '$statsCollected'].some((type) => regex.test(type))).toBe(false);
    expect(regex.test('TenantCreated')).toBe(true);
  });

  it('recognises system streams and system event types', () => {
    expect(isSystemEvent('$all', 'X')).toBe(true);
    expect(isSystemEvent('$$tenant-1', '$metadata')).toBe(true);
    expect(isSystemEvent('$ce-tenant', '$>')).toBe(true);
    expect(isSystemEvent('tenant-1', '$>')).toBe(true);
    expect(isSystemEvent('tenant-1', 'TenantCreated')).toBe(false);
  });

  it('checks the client side exactly: types are whole names, prefixes are prefixes, both must hold', () => {
    const at = (stream: string, type: string) => ({ stream, type });
    expect(matchesFilter(at('tenant-1', 'TenantCreated'))).toBe(true);
    expect(matchesFilter(at('$stats-1', 'Collected'))).toBe(false);
    expect(matchesFilter(at('tenant-1', '$>'), { streamPrefixes: ['tenant-'] })).toBe(false);
    expect(matchesFilter(at('tenant-1', 'X'), { streamPrefixes: ['device-', 'tenant-'] })).toBe(true);
    expect(matchesFilter(at('tenantx-1', 'X'), { streamPrefixes: ['tenant-'] })).toBe(false);
    expect(matchesFilter(at('tenant-1', 'TenantCreated'), { eventTypes: ['TenantCreated'] })).toBe(true);
    expect(matchesFilter(at('tenant-1', 'TenantCreatedTwice'), { eventTypes: ['TenantCreated'] })).toBe(false);
    const both = { streamPrefixes: ['tenant-'], eventTypes: ['TenantCreated'] };
    expect(matchesFilter(at('tenant-1', 'TenantCreated'), both)).toBe(true);
    expect(matchesFilter(at('device-1', 'TenantCreated'), both)).toBe(false);
    expect(matchesFilter(at('tenant-1', 'TenantRenamed'), both)).toBe(false);
    expect(matchesFilter(at('tenant-1', 'X'), { streamPrefixes: [], eventTypes: [] })).toBe(true);
  });
});
