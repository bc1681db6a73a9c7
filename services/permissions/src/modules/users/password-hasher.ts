import { Injectable } from '@nestjs/common';
import { argon2id, hash, verify } from 'argon2';

// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
const OPTIONS = { type: argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** argon2id password hashing, with a dummy verification that costs what a real one costs. */
@Injectable()
export class PasswordHasher {
  private dummyHash: Promise<string> | undefined;

  hash(password: string): Promise<string> {
    return hash(password, OPTIONS);
  }

  /** True when `password` matches `storedHash`; false for a malformed hash rather than an error. */
  async verify(storedHash: string, password: string): Promise<boolean> {
    try {
      return await verify(storedHash, password);
    } catch {
      return false;
    }
  }

  /**
   * Spends the time of a verification without a user to verify (unknown user or tenant), so the
   * answer's timing does not tell which usernames exist. Always false.
   */
  async verifyNobody(password: string): Promise<false> {
    this.dummyHash ??= hash('fieldforce-no-such-user', OPTIONS);
    await this.verify(await this.dummyHash, password);
    return false;
  }
}
