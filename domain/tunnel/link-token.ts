// The token that closes a link is `<tunnelId>.<secret>`: the id finds the stream at once, the
// secret proves the caller was given the token. The secret is random (made outside domain/,
// which has no randomness) and only its SHA-256 is stored, as `tokenHash` in TunnelOpened.

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** base64url of `linkTokenSecretBytes` random bytes, unpadded. */
const secret = /^[A-Za-z0-9_-]{43}$/;
const sha256Hex = /^[0-9a-f]{64}$/;

export const linkTokenSecretBytes = 32;

/** A tunnel id: a UUID in lower case, the id of stream `tunnel-<uuid>`. */
export const isTunnelId = (value: string): boolean => uuid.test(value);

/** Lower-case hex SHA-256 of the token's secret part. */
export const isTokenHash = (value: string): boolean => sha256Hex.test(value);

export const formatLinkToken = (tunnelId: string, tokenSecret: string): string => `${tunnelId}.${tokenSecret}`;

/** The parts of a well-formed token, or undefined: a malformed token names no link. */
export function parseLinkToken(token: string): { readonly tunnelId: string; readonly secret: string } | undefined {
  const dot = token.indexOf('.');
  const tunnelId = token.slice(0, dot);
  const tokenSecret = token.slice(dot + 1);
  return dot > 0 && isTunnelId(tunnelId) && secret.test(tokenSecret) ? { tunnelId, secret: tokenSecret } : undefined;
}
