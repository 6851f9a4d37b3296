// The hub takes dial-backs as relays do: the handling is shared, in wire/.
export { acceptStreamDialBack, isStreamDialBackPath } from '../../wire/stream-dial-back.js';
export type { DialBackTarget } from '../../wire/stream-dial-back.js';
