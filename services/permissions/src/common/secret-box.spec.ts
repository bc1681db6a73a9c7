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

  it('refuses an altered value', () => {
    const box = new SecretBox(secret, 'totp');
    const sealed = box.seal('JBSWY3DPEHPK3PXP');
    const flipped = `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}${sealed.slice(-1)}`;
    expect(() => box.open(flipped)).toThrow();
    expect(() => box.open('v0.abc')).toThrow(/unknown format/);
  });
});
