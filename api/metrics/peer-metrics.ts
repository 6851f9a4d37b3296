// The cluster as this node sees it: peers whose leases it watches.
import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';

export function observePeers(registry: Registry, livePeers: () => number): void {
  new Gauge({
    name: 'tether_peer_nodes_live',
    help: 'Other hub nodes on this store holding a lease that has not run out',
    registers: [registry],
    collect() {
      this.set(livePeers());
    },
  });
}
