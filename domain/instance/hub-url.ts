import * as t from 'io-ts';

interface HubUrlBrand {
  readonly HubUrl: unique symbol;
}
// What an agent can dial: an absolute http(s) or ws(s) URL with a host. Kept short, as it
// travels to every connected device in one control frame.
const hubUrlPattern = /^(https?|wss?):\/\/[^\s/?#]+(\/[^\s?#]*)?$/;
export const HubUrl = t.brand(
  t.string,
  (s): s is t.Branded<string, HubUrlBrand> => s.length <= 512 && hubUrlPattern.test(s),
  'HubUrl',
);
export type HubUrl = t.TypeOf<typeof HubUrl>;

interface HubUrlsBrand {
  readonly HubUrls: unique symbol;
}
/** The hub's addresses as devices should dial them, in order of preference: 1 to 8, distinct. */
export const HubUrls = t.brand(
  t.readonlyArray(HubUrl),
  (urls): urls is t.Branded<readonly HubUrl[], HubUrlsBrand> => urls.length >= 1 && urls.length <= 8 && new Set(urls).size === urls.length,
  'HubUrls',
);
export type HubUrls = t.TypeOf<typeof HubUrls>;
