export { jobProgress, jobsProjection } from './jobs-projection.js';
export type { JobChange } from './jobs-projection.js';
export { getJob, jobTotals, listJobDevices, listJobs, type JobTotals, type ListJobDevicesOptions, type ListJobsOptions, type ListedJob } from './job-queries.js';
export { replayJob, type ReplayedJob } from './job-replay.js';
export type { JobDeviceView, JobKind, JobView } from './job-view.js';
export { countDevices, jobCountsIn, jobSeenBy } from './job-scope.js';
