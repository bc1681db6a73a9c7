import { createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { calculateJwkThumbprint, type JWK, type JWTPayload, SignJWT } from 'jose';
import { DataSource, IsNull, MoreThan, Not, type Repository } from 'typeorm';
import { ACCESS_TOKEN_ALGORITHM } from '@fieldforce/contracts';
import { InjectConfig } from '@fieldforce/platform';
import { SecretBox } from '../../common/secret-box';
import { type PermissionsConfig } from '../../config/permissions.config';
import { SigningKey } from './entities/signing-key.entity';

/** How often each replica rotates when due, prunes expired keys and reloads the keys it signs and verifies with. */
export const KEY_MAINTENANCE_INTERVAL_MS = 60_000;
// A retired key stays published this long beyond its last token's expiry: replicas that have not
// reloaded yet still sign with it for up to one maintenance interval, plus clock skew.
const RETIREMENT_MARGIN_MS = KEY_MAINTENANCE_INTERVAL_MS + 60_000;
// Bounds the reloads that tokens with unknown key ids can cause.
const UNKNOWN_KID_RELOAD_COOLDOWN_MS = 5_000;
const ROTATION_LOCK = 'permissions.signing-keys';

/** A public key of the JWKS document (RFC 7517). */
export interface PublishedJwk extends JWK {
  kid: string;
  alg: typeof ACCESS_TOKEN_ALGORITHM;
  use: 'sig';
}

interface ActiveKey {
  kid: string;
  privateKey: KeyObject;
}

/**
 * The ES256 keys that sign access tokens. One key signs at a time; every `SIGNING_KEY_ROTATION_HOURS`
 * a new one takes over, and the retired key stays in the JWKS until every token it signed has
 * expired. Private keys are stored sealed; rotation is serialised across replicas by an advisory lock.
 */
@Injectable()
export class SigningKeysService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SigningKeysService.name);
  private readonly box: SecretBox;
  private active: ActiveKey | undefined;
  private verificationKeys = new Map<string, KeyObject>();
  private reloadedAt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: PermissionsConfig,
  ) {
    this.box = new SecretBox(config.tokens.encryptionSecret, 'signing-key');
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.maintain();
    this.timer = setInterval(() => {
      this.maintain().catch((error: unknown) => this.logger.error({ err: error }, 'signing key maintenance failed'));
    }, KEY_MAINTENANCE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /**
   * Creates a key when none signs or the signing one is due for rotation, deletes keys whose
   * tokens have all expired, and reloads this replica's keys. Runs on a timer.
   */
  async maintain(now = new Date()): Promise<void> {
    await this.withRotationLock(async (keys) => {
      const signing = await keys.findOne({ where: { retiredAt: IsNull() }, order: { createdAt: 'DESC' } });
      if (!signing || signing.createdAt.getTime() + this.config.tokens.rotationIntervalSeconds * 1000 <= now.getTime()) {
        await this.rotate(keys, now, signing, this.retiredPublishedUntil(now));
      }
    }, now);
    await this.reload(now);
  }

  /**
   * Rotates at once (an operator's command, e.g. after a leak): a new key signs from now on. The
   * retired keys stay published until their tokens expire, or, with `withdrawPrevious`, are
   * withdrawn now, so every token they signed stops verifying (users log in again). Other
   * replicas switch keys within one maintenance interval. Answers the new key id.
   */
  async rotateNow(options: { withdrawPrevious: boolean }, now = new Date()): Promise<{ kid: string; withdrawn: string[] }> {
    const result = await this.withRotationLock(async (keys) => {
      const signing = await keys.findOne({ where: { retiredAt: IsNull() }, order: { createdAt: 'DESC' } });
      const kid = await this.rotate(keys, now, signing, options.withdrawPrevious ? now : this.retiredPublishedUntil(now));
      const withdrawn = options.withdrawPrevious ? await keys.find({ where: { kid: Not(kid) }, select: { kid: true } }) : [];
      if (options.withdrawPrevious) await keys.createQueryBuilder().update().set({ publishedUntil: now }).where('kid <> :kid', { kid }).execute();
      return { kid, withdrawn: withdrawn.map((key) => key.kid) };
    }, now);
    await this.reload(now);
    return result;
  }

  // Serialised across replicas; keys whose tokens have all expired are deleted on the way out.
  private async withRotationLock<T>(work: (keys: Repository<SigningKey>) => Promise<T>, now: Date): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [ROTATION_LOCK]);
      const keys = manager.getRepository(SigningKey);
      const result = await work(keys);
      await keys.createQueryBuilder().delete().where('published_until <= :now', { now }).execute();
      return result;
    });
  }

  private retiredPublishedUntil(now: Date): Date {
    return new Date(now.getTime() + this.config.tokens.accessTtlSeconds * 1000 + RETIREMENT_MARGIN_MS);
  }

  private async rotate(keys: Repository<SigningKey>, now: Date, signing: SigningKey | null, publishedUntil: Date): Promise<string> {
    const created = await this.createKey(now);
    await keys.insert(created);
    await keys
      .createQueryBuilder()
      .update()
      .set({ retiredAt: now, publishedUntil })
      .where('retired_at IS NULL AND kid <> :kid', { kid: created.kid })
      .execute();
    this.logger.log({ kid: created.kid, retired: signing?.kid }, 'signing key rotated');
    return created.kid;
  }

  /** Signs `payload` as a JWT with the current key (header `alg`, `kid`, `typ`). */
  async sign(payload: JWTPayload): Promise<string> {
    if (!this.active) await this.reload(new Date());
    const active = this.active;
    if (!active) throw new Error('no signing key: key maintenance has not run');
    return new SignJWT(payload).setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid: active.kid, typ: 'JWT' }).sign(active.privateKey);
  }

  /** The public keys that verify tokens right now, straight from the database so every replica answers alike. */
  async jwks(now = new Date()): Promise<{ keys: PublishedJwk[] }> {
    const keys = await this.dataSource.getRepository(SigningKey).find({
      where: [{ publishedUntil: IsNull() }, { publishedUntil: MoreThan(now) }],
      order: { createdAt: 'DESC' },
    });
    return { keys: keys.map((key) => publishedJwk(key)) };
  }

  /** The public key with id `kid`, if it is published; an unknown kid reloads the keys (rate-limited). */
  async verificationKey(kid: string): Promise<KeyObject | undefined> {
    const known = this.verificationKeys.get(kid);
    if (known || Date.now() - this.reloadedAt < UNKNOWN_KID_RELOAD_COOLDOWN_MS) return known;
    await this.reload(new Date());
    return this.verificationKeys.get(kid);
  }

  private async reload(now: Date): Promise<void> {
    const repository = this.dataSource.getRepository(SigningKey);
    const published = await repository.find({ where: [{ publishedUntil: IsNull() }, { publishedUntil: MoreThan(now) }] });
    this.verificationKeys = new Map(published.map((key) => [key.kid, createPublicKey({ key: key.publicJwk as JsonWebKey, format: 'jwk' })]));
    const signing = await repository.findOne({
      where: { retiredAt: IsNull() },
      order: { createdAt: 'DESC' },
      select: { kid: true, privateKey: true },
    });
    if (signing && signing.kid !== this.active?.kid) {
      this.active = { kid: signing.kid, privateKey: createPrivateKey(this.box.open(signing.privateKey)) };
    }
    this.reloadedAt = Date.now();
  }

  private async createKey(now: Date): Promise<SigningKey> {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const publicJwk = publicKey.export({ format: 'jwk' }) as JWK;
    const key = new SigningKey();
    // The RFC 7638 thumbprint: a stable id derived from the key itself.
    key.kid = await calculateJwkThumbprint(publicJwk);
    key.algorithm = ACCESS_TOKEN_ALGORITHM;
    key.publicJwk = publicJwk;
    key.privateKey = this.box.seal(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    key.createdAt = now;
    key.retiredAt = null;
    key.publishedUntil = null;
    return key;
  }
}

function publishedJwk(key: SigningKey): PublishedJwk {
  const { kty, crv, x, y } = key.publicJwk;
  return { kty, crv, x, y, kid: key.kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' };
}
