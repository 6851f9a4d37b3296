export { jobProgress, jobsProjection } from './jobs-projection.js';
export type { JobChange } from './jobs-projection.js';
export { getJob, listJobDevices, listJobs, type ListJobDevicesOptions, type ListJobsOptions, type ListedJob } from './job-queries.js';
export type { JobDeviceView, JobKind, JobView } from './job-view.js';
