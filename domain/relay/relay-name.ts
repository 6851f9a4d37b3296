// A relay's name: the seed's GAS name ("agc-gas"), the id of stream `relay-<name>`. `hub` is the
// hub's built-in relay, so no registered relay may take it.
import * as t from 'io-ts';

const pattern = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62})$/;

/** The name sessions on the hub itself record as their relay. */
export const hubRelayName = 'hub';

export const isRelayName = (value: string): boolean => pattern.test(value) && value.toLowerCase() !== hubRelayName;

interface RelayNameBrand {
  readonly RelayName: unique symbol;
}
export const RelayName = t.brand(t.string, (s): s is t.Branded<string, RelayNameBrand> => isRelayName(s), 'RelayName');
export type RelayName = t.TypeOf<typeof RelayName>;
