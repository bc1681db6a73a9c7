import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
// Fixed HKDF salt and context: the secret alone decides the key, and each purpose gets its own key.
const SALT = 'fieldforce-permissions';

/**
 * Encrypts secrets at rest (signing keys' private halves, TOTP secrets) with AES-256-GCM under a
 * key derived from SIGNING_KEY_ENCRYPTION_SECRET. Each purpose derives its own key, so a value
 * cannot be moved to another column and still decrypt.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(secret: string, purpose: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, SALT, purpose, 32));
  }

  /** `v1.<base64url(iv | tag | ciphertext)>` */
  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url')}`;
  }

  /** The plaintext of a sealed value; throws when it was sealed with another secret or purpose, or altered. */
  open(sealed: string): string {
    const [version, body = ''] = sealed.split('.', 2);
    if (version !== VERSION) throw new Error(`sealed value has unknown format ${String(version)}`);
    const bytes = Buffer.from(body, 'base64url');
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new Error('sealed value is truncated');
    const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }
}
