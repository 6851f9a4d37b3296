// A job request the agent cannot read (a field it does not accept, a kind it does not know) is
// answered as failed, naming the request: the hub then records the device as failed for that
// job, instead of waiting for its deadline and asking again at every hello.
import type { TetherError } from '../domain/errors.js';
import { JobId } from '../domain/gateway/job-messages.js';
import type { AgentJobMessage } from '../domain/gateway/job-messages.js';

/** The failed result that answers `text`, when it is a job request that names itself; otherwise undefined. */
export function refusalOf(text: string, error: TetherError): AgentJobMessage | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const { type, jobId, requestId } = json as Record<string, unknown>;
  const reason = `the device refused the request: ${error.message}`;
  if ((type === 'update' || type === 'backup') && JobId.is(jobId)) return { type: `${type}-result`, jobId, ok: false, error: reason };
  if (type === 'restore' && JobId.is(requestId)) return { type: 'restore-result', requestId, ok: false, error: reason };
  return undefined;
}
