import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AesGcmSecretBox, parseSecretKey, UnavailableSecretBox } from '../../adapters/security/aes-gcm-secret-box.adapter.js';

const box = new AesGcmSecretBox(randomBytes(32));

describe('AesGcmSecretBox', () => {
  it('round-trips any text and never shows it in the sealed form', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 4, maxLength: 200 }), fc.string({ maxLength: 30 }), (secret, context) => {
        const sealed = box.seal(secret, context);
        expect(box.open(sealed, context)).toBe(secret);
        expect(sealed.startsWith('v1.')).toBe(true);
      }),
      { numRuns: 50 },
    );
    expect(box.seal('refresh-token-123')).not.toContain('refresh-token-123');
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });
  it('refuses tampering, another context and another key', () => {
    const sealed = box.seal('token', 'acme:google');
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[3]!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    const tampered = [parts[0], parts[1], parts[2], flipped.toString('base64url')].join('.');
    expect(() => box.open(tampered, 'acme:google')).toThrow(expect.objectContaining({ code: 'SECRET_BOX.INVALID' }));
    expect(() => box.open(sealed, 'globex:google')).toThrow(expect.objectContaining({ code: 'SECRET_BOX.INVALID' }));
    expect(() => new AesGcmSecretBox(randomBytes(32)).open(sealed, 'acme:google')).toThrow(expect.objectContaining({ code: 'SECRET_BOX.INVALID' }));
  });
  it('parses hex and base64 keys', () => {
    const raw = randomBytes(32);
    expect(parseSecretKey(raw.toString('hex')).equals(raw)).toBe(true);
    expect(parseSecretKey(raw.toString('base64')).equals(raw)).toBe(true);
  });
  it('without a key, refuses with SECRET_BOX.UNAVAILABLE', () => {
    expect(() => new UnavailableSecretBox().seal()).toThrow(expect.objectContaining({ code: 'SECRET_BOX.UNAVAILABLE' }));
  });
});
