// Secrets the hub must give back in clear later (the tenant password it deploys to devices)
// are sealed with AES-256-GCM under a key kept out of the store: an event holds only
// `v1.<iv>.<tag>.<ciphertext>` (base64url). The context (e.g. the tenant id) is bound as
// additional data, so a sealed value copied to another tenant does not open.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { TetherError } from '../../domain/errors.js';

export const sealKeyBytes = 32;
const ivBytes = 12;
const tagBytes = 16;
const version = 'v1';

export class SecretSeal {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== sealKeyBytes) {
      throw new TetherError('invalid_configuration', `a seal key is ${sealKeyBytes} bytes (${sealKeyBytes * 2} hex digits)`);
    }
    this.key = Buffer.from(key);
  }

  seal(secret: string, context: string): string {
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: tagBytes });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [version, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  /** The secret; throws invalid_configuration when the value was sealed under another key or context. */
  unseal(sealed: string, context: string): string {
    const [tag, ...parts] = sealed.split('.');
    const [iv, authTag, ciphertext] = parts.map((part) => Buffer.from(part, 'base64url'));
    if (tag !== version || parts.length !== 3 || iv?.length !== ivBytes || authTag?.length !== tagBytes || ciphertext === undefined) {
      throw new TetherError('invalid_configuration', 'not a sealed secret of this hub');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: tagBytes });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(authTag);
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new TetherError('invalid_configuration', 'a sealed secret does not open with this hub\'s seal key (was TETHER_SEAL_KEY changed?)');
    }
  }
}
