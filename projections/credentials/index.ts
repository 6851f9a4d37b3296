export { credentialsChanged, credentialsProjection } from './credentials-projection.js';
