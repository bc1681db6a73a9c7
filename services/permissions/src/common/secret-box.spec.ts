import { SecretBox } from './secret-box';

describe(SecretBox.name, () => {
  const secret = 'a-secret-of-at-least-thirty-two-characters';

  it('opens what it sealed, and seals the same text differently each time', () => {
    const box = new SecretBox(secret, 'totp');
    const first = box.seal('JBSWY3DPEHPK3PXP');
    const second = box.seal('JBSWY3DPEHPK3PXP');
    expect(first).not.toEqual(second);
    expect(first).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.open(first)).toBe('JBSWY3DPEHPK3PXP');
    expect(box.open(second)).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses a value sealed with another secret or for another purpose', () => {
    const sealed = new SecretBox(secret, 'totp').seal('JBSWY3DPEHPK3PXP');
    expect(() => new SecretBox(`${secret}!`, 'totp').open(sealed)).toThrow();
    expect(() => new SecretBox(secret, 'signing-key').open(sealed)).toThrow();
  });

  // One bit flipped at a time in the iv, the tag and the ciphertext: editing the base64 text instead
  // could leave the bytes unchanged (a replacement equal to the original, or only padding bits).
  it.each([
    ['iv', 0],
    ['tag', 12],
    ['ciphertext', 28],
    ['last ciphertext byte', -1],
  ])('refuses a value with one bit of its %s flipped', (_part, offset) => {
    const box = new SecretBox(secret, 'totp');
    const [version, body] = box.seal('JBSWY3DPEHPK3PXP').split('.');
    const bytes = Buffer.from(body ?? '', 'base64url');
    const at = offset < 0 ? bytes.length + offset : offset;
    bytes[at] = (bytes[at] ?? 0) ^ 0x01;
    expect(() => box.open(`${version}.${bytes.toString('base64url')}`)).toThrow();
  });

  it('refuses an unknown format and a truncated value', () => {
    const box = new SecretBox(secret, 'totp');
    expect(() => box.open('v0.abc')).toThrow(/unknown format/);
    expect(() => box.open('v1.abc')).toThrow(/truncated/);
  });
});
