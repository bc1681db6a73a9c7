import { generate } from 'otplib';
import { acceptedTotpStep, newTotpSecret } from './totp';

describe(acceptedTotpStep.name, () => {
  it('accepts the current code and answers its time step', async () => {
    const { secret } = newTotpSecret('mara@demo');
    // The code's step from the same clock reading: read again after verifying, the clock passes
    // a 30 s step boundary in between now and then (the code is still accepted, as the previous step's).
    const epoch = Math.floor(Date.now() / 1000);
    const step = await acceptedTotpStep(secret, await generate({ secret, epoch }), null);
    expect(step).toBe(Math.floor(epoch / 30));
  });

  it('refuses a code of a step already used, and a wrong or malformed code', async () => {
    const { secret } = newTotpSecret('mara@demo');
    const code = await generate({ secret });
    const step = await acceptedTotpStep(secret, code, null);
    expect(step).toBeDefined();
    expect(await acceptedTotpStep(secret, code, step ?? 0)).toBeUndefined();
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    expect(await acceptedTotpStep(secret, wrong, null)).toBeUndefined();
    expect(await acceptedTotpStep(secret, '12345', null)).toBeUndefined();
  });

  it('accepts the code of the next step (a phone clock slightly ahead)', async () => {
    const { secret } = newTotpSecret('mara@demo');
    const nextStepCode = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    expect(await acceptedTotpStep(secret, nextStepCode, null)).toBeDefined();
  });
});

describe(newTotpSecret.name, () => {
  it('makes an otpauth URI naming the issuer and account', () => {
    const { secret, otpauthUri } = newTotpSecret('mara@demo');
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    expect(otpauthUri).toContain(`secret=${secret}`);
    expect(otpauthUri).toContain('issuer=fieldforce');
  });
});
