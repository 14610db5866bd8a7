import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Marks a sealed secret, so rows written before a key was configured still read. */
const SEALED = 'aes-256-gcm:';

/** Seals endpoint secrets for the database and opens them for signing. */
export interface SecretBox {
  seal(secret: string): string;
  open(stored: string): string;
}

/**
 * AES-256-GCM under WEBHOOKS_SECRETS_KEY: a copy of the database (a
 * backup, a replica) does not let anyone sign deliveries. The signer needs
 * the secrets themselves, so they cannot be hashed. Without a key (allowed
 * outside production) secrets are stored as they are.
 */
export function createSecretBox(key: Buffer | undefined): SecretBox {
  return {
    seal(secret) {
      if (!key) return secret;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return SEALED + Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
    },
    open(stored) {
      if (!stored.startsWith(SEALED)) return stored;
      if (!key) throw new Error('A webhook secret is sealed but WEBHOOKS_SECRETS_KEY is unset');
      const raw = Buffer.from(stored.slice(SEALED.length), 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
