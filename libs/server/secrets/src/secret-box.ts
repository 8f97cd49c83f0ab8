import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** AES-256 keys are 32 bytes. */
export const SECRET_KEY_BYTES = 32;
const VERSION = 'v1';
const IV_BYTES = 12; // 96 bits: GCM's native nonce size (NIST SP 800-38D 8.2.2, random IVs)
const TAG_BYTES = 16;
const KEY_ID_LABEL = 'rapidrtmp secret box key id\0';

export type SecretBoxErrorCode =
  /** Not a sealed value (or cut short): not something this box wrote. */
  | 'malformed'
  /** Sealed by a newer format this build does not know. */
  | 'unsupported-version'
  /** Sealed with another key (SECRETS_ENCRYPTION_KEY or DATA_DIR's key file changed). */
  | 'wrong-key'
  /** The key matches but the value (or its context) was altered: authentication failed. */
  | 'tampered';

/** Why a sealed value cannot be opened. Messages never contain the plaintext, the key or the ciphertext. */
export class SecretBoxError extends Error {
  constructor(
    readonly code: SecretBoxErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'SecretBoxError';
  }
}

/**
 * Seals secrets the server must read back later (unlike passwords and stream keys, which are only compared and
 * so stored hashed): AES-256-GCM, a random 96-bit IV per value, the 128-bit tag checked on open. A sealed value
 * is one text blob `v1.<key id>.<iv>.<ciphertext>.<tag>` (base64url parts) that names its format and key, so a
 * change of key is told apart from tampering. `context` (e.g. the owning row's id) is authenticated with it:
 * a value copied into another row does not open there.
 */
export class SecretBox {
  /** 8 hex digits derived from the key: tells keys apart without revealing anything about them. */
  readonly keyId: string;
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== SECRET_KEY_BYTES)
      throw new RangeError(`a secret box key is ${SECRET_KEY_BYTES} bytes, got ${key.length}`);
    this.key = Buffer.from(key);
    this.keyId = createHash('sha256').update(KEY_ID_LABEL).update(key).digest('hex').slice(0, 8);
  }

  seal(plaintext: string, context = ''): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(this.aad(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.keyId, iv, ciphertext, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** The plaintext of a value this box (this key) sealed with the same `context`; SecretBoxError otherwise. */
  open(sealed: string, context = ''): string {
    const parts = sealed.split('.');
    if (parts[0] !== VERSION) {
      throw /^v\d+$/.test(parts[0] ?? '')
        ? new SecretBoxError('unsupported-version', `sealed as ${parts[0]}; this server reads ${VERSION}`)
        : new SecretBoxError('malformed', 'not a sealed value');
    }
    const [, keyId, ivText, ciphertextText, tagText] = parts;
    if (parts.length !== 5 || !keyId || ivText === undefined || ciphertextText === undefined || !tagText)
      throw new SecretBoxError('malformed', 'not a sealed value');
    if (keyId !== this.keyId)
      throw new SecretBoxError(
        'wrong-key',
        `sealed with key ${keyId}, this server has key ${this.keyId}: SECRETS_ENCRYPTION_KEY (or DATA_DIR's key ` +
          'file) is not the one that sealed it',
      );
    const iv = Buffer.from(ivText, 'base64url');
    const tag = Buffer.from(tagText, 'base64url');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretBoxError('malformed', 'bad IV or tag');
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(this.aad(context));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(Buffer.from(ciphertextText, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new SecretBoxError('tampered', `the value sealed with key ${keyId} failed authentication`);
    }
  }

  /** The format, the key id and the caller's context are all bound to the ciphertext. */
  private aad(context: string): Buffer {
    return Buffer.from(`${VERSION}.${this.keyId}.${context}`, 'utf8');
  }
}
