import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SECRET_KEY_BYTES } from './secret-box.js';

/** Where a node without SECRETS_ENCRYPTION_KEY keeps the key it generated (base64, mode 0600). */
export const SECRETS_KEY_FILE = 'secrets-encryption.key';

export interface SecretsKeySource {
  /** SECRETS_ENCRYPTION_KEY (validated by the config schema as base64 of 32 bytes). */
  secretsEncryptionKey?: string;
  dataDir: string;
}

/**
 * The key sealing stored secrets: SECRETS_ENCRYPTION_KEY when set, else DATA_DIR/secrets-encryption.key,
 * created with 32 random bytes on the first start. Only a missing file is created: an unreadable or damaged
 * one stops the start (a new key would make every stored secret unreadable).
 */
export function loadSecretsKey(source: SecretsKeySource): { key: Buffer; origin: 'environment' | 'file' } {
  if (source.secretsEncryptionKey !== undefined) {
    return { key: decodeKey(source.secretsEncryptionKey, 'SECRETS_ENCRYPTION_KEY'), origin: 'environment' };
  }
  const path = join(source.dataDir, SECRETS_KEY_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(source.dataDir, { recursive: true });
    text = randomBytes(SECRET_KEY_BYTES).toString('base64');
    writeFileSync(path, `${text}\n`, { mode: 0o600, flag: 'wx' });
  }
  return { key: decodeKey(text, path), origin: 'file' };
}

function decodeKey(text: string, where: string): Buffer {
  const key = Buffer.from(text, 'base64');
  if (key.length !== SECRET_KEY_BYTES || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    throw new Error(
      `${where} does not hold base64 of ${SECRET_KEY_BYTES} bytes (${key.length} decoded). Restore the original ` +
        'key: secrets stored with it cannot be read with another one.',
    );
  }
  return key;
}
