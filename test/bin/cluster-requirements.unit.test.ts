import { describe, expect, it } from 'vitest';
import { assertClusterSettings } from '../../bin/cluster-requirements.js';

const secrets = { TETHER_TOKEN_SECRET: 's'.repeat(40), TETHER_SEAL_KEY: 'ab'.repeat(32) };

describe('a hub on EventStoreDB', () => {
  it('needs its own node id and the secrets every node shares, and says which are missing', () => {
    expect(() => assertClusterSettings({ eventstore: 'esdb://db:2113', env: {} })).toThrow(/--node-id ID.*TETHER_TOKEN_SECRET.*TETHER_SEAL_KEY/);
    expect(() => assertClusterSettings({ eventstore: 'esdb://db:2113', nodeId: 'a', env: { TETHER_SEAL_KEY: secrets.TETHER_SEAL_KEY } })).toThrow(
      expect.objectContaining({ code: 'invalid_configuration', message: expect.not.stringContaining('SEAL') as string }),
    );
    expect(() => assertClusterSettings({ eventstore: 'esdb://db:2113', nodeId: 'a', env: secrets })).not.toThrow();
  });

  it('is the only kind that needs them: the embedded store keeps its defaults', () => {
    expect(() => assertClusterSettings({ env: {} })).not.toThrow();
    expect(() => assertClusterSettings({ eventstore: '', env: {} })).not.toThrow();
  });
});
