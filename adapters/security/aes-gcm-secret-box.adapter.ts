import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../../domain/shared/app-error.js';
import type { SecretBox } from '../../ports/secret-box.port.js';

const VERSION = 'v1';

/** Accepts 32 bytes as 64 hex characters or base64 (ALMANAC_SECRET_KEY). */
export function parseSecretKey(text: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new AppError('SECRET_BOX.INVALID_KEY', 'ALMANAC_SECRET_KEY must be 32 bytes');
  return key;
}

/** AES-256-GCM: `v1.<iv>.<tag>.<ciphertext>` (base64url); the context is authenticated data. */
export class AesGcmSecretBox implements SecretBox {
  readonly available = true;
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new AppError('SECRET_BOX.INVALID_KEY', 'the secret key must be 32 bytes');
  }

  seal(plaintext: string, context = ''): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  open(sealed: string, context = ''): string {
    const parts = sealed.split('.');
    if (parts.length !== 4 || parts[0] !== VERSION) throw new AppError('SECRET_BOX.INVALID', 'not a sealed secret');
    // base64url decoding skips what it cannot read: only exactly what seal wrote is accepted
    // (a sealed feed token with junk appended must not open).
    if (!parts.slice(1).every(canonical)) throw new AppError('SECRET_BOX.INVALID', 'not a sealed secret');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(parts[1]!, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(parts[2]!, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(parts[3]!, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new AppError('SECRET_BOX.INVALID', 'the secret was tampered with or sealed with another key');
    }
  }
}

const canonical = (part: string): boolean => /^[A-Za-z0-9_-]*$/.test(part) && Buffer.from(part, 'base64url').toString('base64url') === part;

/** Used when ALMANAC_SECRET_KEY is absent: features storing secrets answer 503. */
export class UnavailableSecretBox implements SecretBox {
  readonly available = false;
  seal(): string {
    throw new AppError('SECRET_BOX.UNAVAILABLE', 'set ALMANAC_SECRET_KEY to store secrets');
  }
  open(): string {
    throw new AppError('SECRET_BOX.UNAVAILABLE', 'set ALMANAC_SECRET_KEY to read stored secrets');
  }
}
