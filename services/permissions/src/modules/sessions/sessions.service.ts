import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { uuidv7 } from '@fieldforce/contracts';
import { InjectConfig } from '@fieldforce/platform';
import { type PermissionsConfig } from '../../config/permissions.config';
import { RefreshToken } from './entities/refresh-token.entity';
import { Session } from './entities/session.entity';
import { isRefreshTokenFormat, newRefreshToken, refreshTokenHash } from './refresh-token-secret';

/** Why a session ended, as stored with it. */
export type RevokeReason = 'logout' | 'admin-revoked' | 'user-deactivated' | 'refresh-token-reused';

/** A session with the refresh token the client must present next. */
export interface IssuedRefresh {
  session: Session;
  refreshToken: string;
  refreshExpiresAt: Date;
}

/**
 * What presenting a refresh token did: `rotated` (a new token replaces it); `reused` (it had been
 * rotated already, so its whole session is now revoked); or why nothing happened.
 */
export type RotationOutcome =
  | ({ outcome: 'rotated' } & IssuedRefresh)
  | { outcome: 'reused'; session: Session }
  | { outcome: 'unknown' | 'expired' | 'revoked' };

/** Login sessions and their refresh-token families: start, rotate with reuse detection, revoke. */
@Injectable()
export class SessionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: PermissionsConfig,
  ) {}

  /** Starts a session for a login, with its first refresh token. */
  async start(manager: EntityManager, user: { id: string; tenantId: string }, deviceId: string, amr: string[]): Promise<IssuedRefresh> {
    const session = manager.getRepository(Session).create({
      id: uuidv7(),
      tenantId: user.tenantId,
      userId: user.id,
      deviceId,
      amr,
      lastRefreshedAt: null,
      revokedAt: null,
      revokeReason: null,
    });
    await manager.getRepository(Session).insert(session);
    return { session, ...(await this.issueToken(manager, session.id)) };
  }

  /**
   * Exchanges a refresh token for a new one. The old one is kept, marked rotated: presented again
   * (stolen, or replayed), it revokes the whole session, the thief's copy and the owner's alike.
   */
  async rotate(token: string): Promise<RotationOutcome> {
    if (!isRefreshTokenFormat(token)) return { outcome: 'unknown' };
    return this.dataSource.transaction(async (manager) => {
      const stored = await manager
        .getRepository(RefreshToken)
        .findOne({ where: { tokenHash: refreshTokenHash(token) }, lock: { mode: 'pessimistic_write' } });
      if (!stored) return { outcome: 'unknown' };
      const sessions = manager.getRepository(Session);
      const session = await sessions.findOne({ where: { id: stored.sessionId }, lock: { mode: 'pessimistic_write' } });
      if (!session || session.revokedAt !== null) return { outcome: 'revoked' };
      if (stored.rotatedAt !== null) {
        await this.revoke(manager, session, 'refresh-token-reused');
        return { outcome: 'reused', session };
      }
      const now = new Date();
      if (stored.expiresAt <= now) return { outcome: 'expired' };
      await manager.getRepository(RefreshToken).update({ id: stored.id }, { rotatedAt: now });
      await sessions.update({ id: session.id }, { lastRefreshedAt: now });
      return { outcome: 'rotated', session, ...(await this.issueToken(manager, session.id)) };
    });
  }

  /** Ends the session a refresh token belongs to (logout); unknown tokens change nothing. */
  async revokeByToken(token: string, reason: RevokeReason): Promise<void> {
    if (!isRefreshTokenFormat(token)) return;
    await this.dataSource.transaction(async (manager) => {
      const stored = await manager.getRepository(RefreshToken).findOneBy({ tokenHash: refreshTokenHash(token) });
      const session = stored ? await manager.getRepository(Session).findOneBy({ id: stored.sessionId, revokedAt: IsNull() }) : null;
      if (session) await this.revoke(manager, session, reason);
    });
  }

  /** Ends a session by id (in the caller's transaction). */
  async revokeSession(manager: EntityManager, sessionId: string, reason: RevokeReason): Promise<void> {
    const session = await manager.getRepository(Session).findOneBy({ id: sessionId, revokedAt: IsNull() });
    if (session) await this.revoke(manager, session, reason);
  }

  /** Ends every live session of a user, in the caller's transaction; answers how many ended. */
  async revokeAllOfUser(manager: EntityManager, userId: string, reason: RevokeReason): Promise<number> {
    const result = await manager
      .getRepository(Session)
      .update({ userId, revokedAt: IsNull() }, { revokedAt: new Date(), revokeReason: reason });
    return result.affected ?? 0;
  }

  private async revoke(manager: EntityManager, session: Session, reason: RevokeReason): Promise<void> {
    await manager.getRepository(Session).update({ id: session.id }, { revokedAt: new Date(), revokeReason: reason });
  }

  private async issueToken(manager: EntityManager, sessionId: string): Promise<{ refreshToken: string; refreshExpiresAt: Date }> {
    const refreshToken = newRefreshToken();
    const refreshExpiresAt = new Date(Date.now() + this.config.tokens.refreshTtlSeconds * 1000);
    await manager.getRepository(RefreshToken).insert({
      id: uuidv7(),
      sessionId,
      tokenHash: refreshTokenHash(refreshToken),
      expiresAt: refreshExpiresAt,
      rotatedAt: null,
    });
    return { refreshToken, refreshExpiresAt };
  }
}
