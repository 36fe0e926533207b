/**
 * Encrypts secrets at rest (OAuth tokens). `seal` output is self-describing text safe to store
 * in a text column; `open` throws AppError `SECRET_BOX.UNAVAILABLE` when no key is configured
 * and `SECRET_BOX.INVALID` when the box was tampered with or sealed with another key.
 * `context` (e.g. `tenant:google`) is bound to the ciphertext: opening needs the same context.
 */
export interface SecretBox {
  readonly available: boolean;
  seal(plaintext: string, context?: string): string;
  open(sealed: string, context?: string): string;
}
