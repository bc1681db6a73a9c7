import { generateSecret, generateURI, verify } from 'otplib';

/** Codes of the previous and next 30 s step are accepted too (clock drift between phone and server). */
const EPOCH_TOLERANCE_SECONDS = 30;
export const TOTP_ISSUER = 'fieldforce';

/** A new TOTP secret (160 random bits, base32) and its otpauth:// URI for authenticator apps. */
export function newTotpSecret(account: string): { secret: string; otpauthUri: string } {
  const secret = generateSecret();
  return { secret, otpauthUri: generateURI({ issuer: TOTP_ISSUER, label: account, secret }) };
}

/**
 * The RFC 6238 time step a code is valid for, or undefined when it is not valid. Codes of steps
 * at or before `lastUsedStep` are refused, so an overheard code cannot be replayed.
 */
export async function acceptedTotpStep(secret: string, code: string, lastUsedStep: number | null): Promise<number | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined;
  const result = await verify({
    secret,
    token: code,
    epochTolerance: EPOCH_TOLERANCE_SECONDS,
    ...(lastUsedStep === null ? {} : { afterTimeStep: lastUsedStep }),
  });
  // otplib types the result as the HOTP or TOTP variant; only the TOTP one has the step.
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}
