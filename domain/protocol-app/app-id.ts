import { isTunnelId } from '../tunnel/link-token.js';

/** Application ids are UUIDs in lower case, chosen by the hub: the id of stream `protoapp-<uuid>`. */
export const isAppId = isTunnelId;
