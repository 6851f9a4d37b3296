// What an update job installs: its target and, resolved from the catalog when the job was
// created, where each binary lies (so a later catalog import does not change a job under way).
import * as t from 'io-ts';
import { UpdateTarget } from '../gateway/job-messages.js';

/** A binary the agent downloads; `sha256` (hex) when the catalog gives one. */
export const Artifact = t.intersection([t.type({ url: t.string }), t.partial({ sha256: t.string })]);
export type Artifact = t.TypeOf<typeof Artifact>;

export const UpdateSpec = t.type({
  kind: t.literal('update'),
  target: UpdateTarget,
  /** Firmware: one binary per device model (the firmware catalog's device id); an app: one, keyed by its name. */
  artifacts: t.record(t.string, Artifact),
});
export type UpdateSpec = t.TypeOf<typeof UpdateSpec>;
