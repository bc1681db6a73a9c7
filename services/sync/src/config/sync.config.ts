import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateBy, ValidateIf } from 'class-validator';
import { type AuthConfig, toAuthConfig, withAuthEnv } from '@fieldforce/auth';
import { BaseServiceEnv, type ServiceConfig, toServiceConfig } from '@fieldforce/platform';

/**
 * Development default of SYNC_CURSOR_SECRET. Refused when NODE_ENV=production: anyone with the
 * repository could otherwise forge pull cursors.
 */
export const DEV_SYNC_CURSOR_SECRET = 'fieldforce-dev-sync-cursor-secret-do-not-use-in-production';

const HTTP_URL = /^https?:\/\/[^\s/]+(\/\S*)?$/;
const httpUrl = { message: 'must be an http:// or https:// URL' };

const integerBetween = (min: number, max: number) => {
  const message = `must be an integer between ${min} and ${max}`;
  return [Type(() => Number), IsInt({ message }), Min(min, { message }), Max(max, { message })];
};

function applyAll(decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, property) => decorators.forEach((decorator) => decorator(target, property));
}

function NotTheDevSecretInProduction(): PropertyDecorator {
  return ValidateBy({
    name: 'notTheDevSecretInProduction',
    validator: {
      validate: (value, args) => (args?.object as SyncEnv).NODE_ENV !== 'production' || value !== DEV_SYNC_CURSOR_SECRET,
      defaultMessage: () => 'must be set to a secret of its own in production',
    },
  });
}

/** The sync service's environment: the shared and auth variables, and its own, with this service's defaults. */
export class SyncEnv extends withAuthEnv(BaseServiceEnv) {
  override PORT = 3005;
  override DATABASE_URL = 'postgres://fieldforce_sync:fieldforce_sync@127.0.0.1:5432/fieldforce';

  /** Signs pull cursors (HMAC-SHA256), so a device cannot forge or alter one. */
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  @NotTheDevSecretInProduction()
  SYNC_CURSOR_SECRET = DEV_SYNC_CURSOR_SECRET;

  /** Days deletes and scope exits stay in the change feed; an older cursor is answered 410 (reset). */
  @applyAll(integerBetween(1, 3650))
  SYNC_TOMBSTONE_RETENTION_DAYS = 30;

  /** How often tombstones past retention are purged. */
  @applyAll(integerBetween(60_000, 86_400_000))
  SYNC_PURGE_INTERVAL_MS = 3_600_000;

  /** Most sequence numbers one incremental pull page looks through (bounds the work for a reader who sees little of a large tenant). */
  @applyAll(integerBetween(1, 1_000_000))
  SYNC_PULL_SCAN_SEQUENCES = 20_000;

  /** Most records one rebase page (after a reader's access changed) looks through. */
  @applyAll(integerBetween(1, 1_000_000))
  SYNC_REBASE_SCAN_RECORDS = 5_000;

  /** Where the services owning pushed entities answer their internal mutation endpoints (directly, not via the gateway). */
  @Matches(HTTP_URL, httpUrl) OWNER_CUSTOMERS_URL = 'http://127.0.0.1:3002';
  @Matches(HTTP_URL, httpUrl) OWNER_VISITS_URL = 'http://127.0.0.1:3003';
  @Matches(HTTP_URL, httpUrl) OWNER_CHECKINS_URL = 'http://127.0.0.1:3004';

  /** How long an owning service may take to apply one pushed mutation before it counts as unavailable (the mutation is retried). */
  @applyAll(integerBetween(100, 120_000))
  OWNER_TIMEOUT_MS = 10_000;

  /** The most mutations one push may carry. */
  @applyAll(integerBetween(1, 10_000))
  SYNC_PUSH_MAX_MUTATIONS = 1_000;

  /**
   * Connections of push's own pool: a push holds one, under its client's row lock, while the
   * owner applies the mutation (and the owner may call back for uploads, on the main pool).
   */
  @applyAll(integerBetween(1, 100))
  SYNC_PUSH_POOL_SIZE = 10;

  /** Where upload bytes go: `file` (SYNC_UPLOAD_DIR, the default) or `s3` (an S3-compatible bucket). */
  @IsIn(['file', 's3'], { message: 'must be file or s3' })
  SYNC_UPLOAD_STORE: 'file' | 's3' = 'file';

  /** The file store's directory (relative to the working directory unless absolute). */
  @IsString()
  @MinLength(1)
  SYNC_UPLOAD_DIR = '.data/uploads';

  /** Largest upload of a tenant that has not set its own limit (bytes). */
  @applyAll(integerBetween(1, 10 * 1024 ** 3))
  SYNC_UPLOAD_MAX_BYTES = 50 * 1024 ** 2;

  /** An upload not completed this long after its creation expires: 410, bytes removed. */
  @applyAll(integerBetween(1, 30 * 86_400))
  SYNC_UPLOAD_EXPIRY_SECONDS = 86_400;

  /** How often expired uploads are swept. */
  @applyAll(integerBetween(1_000, 86_400_000))
  SYNC_UPLOAD_CLEANUP_INTERVAL_MS = 900_000;

  /** The S3 store's bucket (required when SYNC_UPLOAD_STORE=s3). */
  @ValidateIf((env: SyncEnv) => env.SYNC_UPLOAD_STORE === 's3')
  @IsString({ message: 'must be set when SYNC_UPLOAD_STORE=s3' })
  @MinLength(3, { message: 'must be set when SYNC_UPLOAD_STORE=s3' })
  SYNC_UPLOAD_S3_BUCKET?: string;

  @IsString()
  SYNC_UPLOAD_S3_REGION = 'us-east-1';

  /** An S3-compatible endpoint (MinIO, Ceph…); unset for AWS itself. */
  @IsOptional()
  @Matches(HTTP_URL, httpUrl)
  SYNC_UPLOAD_S3_ENDPOINT?: string;

  /** Static credentials; unset to use the AWS SDK's default chain (environment, instance role). */
  @IsOptional()
  @IsString()
  SYNC_UPLOAD_S3_ACCESS_KEY_ID?: string;

  @IsOptional()
  @IsString()
  SYNC_UPLOAD_S3_SECRET_ACCESS_KEY?: string;

  /** Path-style bucket URLs, as most S3-compatible servers want. */
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  SYNC_UPLOAD_S3_FORCE_PATH_STYLE: 'true' | 'false' = 'false';

  /** Size of the parts sent to S3 (at least 5 MiB, an S3 rule). */
  @applyAll(integerBetween(5 * 1024 ** 2, 5 * 1024 ** 3))
  SYNC_UPLOAD_S3_PART_SIZE_BYTES = 8 * 1024 ** 2;
}

/** Where pushed mutations go: the owning services' base URLs, and how long each may take. */
export interface PushConfig {
  owners: { customers: string; visits: string; checkins: string };
  ownerTimeoutMs: number;
  maxMutations: number;
  poolSize: number;
}

/** Where upload bytes are stored. */
export type UploadStoreConfig =
  | { kind: 'file'; directory: string }
  | {
      kind: 's3';
      bucket: string;
      region: string;
      endpoint?: string;
      accessKeyId?: string;
      secretAccessKey?: string;
      forcePathStyle: boolean;
      partSizeBytes: number;
    };

/** Resumable uploads (tus) under `/api/v1/uploads`. */
export interface UploadsConfig {
  store: UploadStoreConfig;
  defaultMaxBytes: number;
  expirySeconds: number;
  cleanupIntervalMs: number;
}

/** The change feed behind `GET /sync/pull`. */
export interface FeedConfig {
  cursorSecret: string;
  tombstoneRetentionDays: number;
  purgeIntervalMs: number;
  pullScanSequences: number;
  rebaseScanRecords: number;
}

export type SyncConfig = ServiceConfig & { auth: AuthConfig; feed: FeedConfig; push: PushConfig; uploads: UploadsConfig };

export const toSyncConfig = (env: SyncEnv): SyncConfig => ({
  ...toServiceConfig('sync', env),
  auth: toAuthConfig(env),
  feed: {
    cursorSecret: env.SYNC_CURSOR_SECRET,
    tombstoneRetentionDays: env.SYNC_TOMBSTONE_RETENTION_DAYS,
    purgeIntervalMs: env.SYNC_PURGE_INTERVAL_MS,
    pullScanSequences: env.SYNC_PULL_SCAN_SEQUENCES,
    rebaseScanRecords: env.SYNC_REBASE_SCAN_RECORDS,
  },
  push: {
    owners: { customers: env.OWNER_CUSTOMERS_URL, visits: env.OWNER_VISITS_URL, checkins: env.OWNER_CHECKINS_URL },
    ownerTimeoutMs: env.OWNER_TIMEOUT_MS,
    maxMutations: env.SYNC_PUSH_MAX_MUTATIONS,
    poolSize: env.SYNC_PUSH_POOL_SIZE,
  },
  uploads: {
    store:
      env.SYNC_UPLOAD_STORE === 's3'
        ? {
            kind: 's3',
            bucket: env.SYNC_UPLOAD_S3_BUCKET ?? '',
            region: env.SYNC_UPLOAD_S3_REGION,
            endpoint: env.SYNC_UPLOAD_S3_ENDPOINT,
            accessKeyId: env.SYNC_UPLOAD_S3_ACCESS_KEY_ID,
            secretAccessKey: env.SYNC_UPLOAD_S3_SECRET_ACCESS_KEY,
            forcePathStyle: env.SYNC_UPLOAD_S3_FORCE_PATH_STYLE === 'true',
            partSizeBytes: env.SYNC_UPLOAD_S3_PART_SIZE_BYTES,
          }
        : { kind: 'file', directory: env.SYNC_UPLOAD_DIR },
    defaultMaxBytes: env.SYNC_UPLOAD_MAX_BYTES,
    expirySeconds: env.SYNC_UPLOAD_EXPIRY_SECONDS,
    cleanupIntervalMs: env.SYNC_UPLOAD_CLEANUP_INTERVAL_MS,
  },
});
