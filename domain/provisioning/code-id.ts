// A provisioning code is a secret shown once to whoever issued it; the hub keeps only its
// id: the first 32 hex digits of SHA-256 over the normalized code. The hashing itself
// needs node:crypto, so it happens outside domain/ and commands carry the codeId.

/** What a person may type differently (case, spaces, dashes) does not make another code. */
export const normalizeProvisioningCode = (code: string): string => code.replace(/[\s-]/g, '').toUpperCase();

const codeIdPattern = /^[0-9a-f]{32}$/;
export const isCodeId = (value: string): boolean => codeIdPattern.test(value);

/** Codes are valid this long after issue. */
export const provisioningCodeLifetimeMs = 60 * 60 * 1000;
