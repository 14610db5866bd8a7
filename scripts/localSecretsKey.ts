import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The key `npm start` seals webhook secrets with when WEBHOOKS_SECRETS_KEY
 * is unset: made once and kept next to the embedded databases (readable by
 * this user only), so secrets stored by one run still open in the next.
 */
export async function localSecretsKey(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'webhooks-secrets.key');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    await mkdir(dataDir, { recursive: true });
    const key = randomBytes(32).toString('base64');
    // 'wx': of two starts racing, the second fails here rather than replace the first one's key.
    await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  }
}
