import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PLATFORM_SERVICES, type Platform, type TestKafka, startPlatform, testDatabaseUrl, testKafka, testRedis } from '@fieldforce/testing';

const ROOT = path.resolve(__dirname, '..', '..');

/** The platform of one journey file, with the Kafka namespace its events travel in. */
export interface JourneyPlatform {
  platform: Platform;
  kafka: TestKafka;
  gatewayUrl: string;
  /** The end of every process's output, for the report of a failed journey. */
  outputTails(characters?: number): string;
  stop(): Promise<void>;
}

/**
 * The whole platform as `npm run dev` runs it (libs/testing's `startPlatform`) on this run's
 * database schemas, this file's Kafka namespace, a Redis key prefix and an upload directory of its own.
 */
export async function startJourneyPlatform(name: string): Promise<JourneyPlatform> {
  const kafka = testKafka();
  const redis = testRedis();
  const uploadDir = mkdtempSync(path.join(tmpdir(), `e2e-${name}-uploads-`));
  let platform: Platform;
  try {
    platform = await startPlatform({
      databaseUrl: testDatabaseUrl,
      kafka,
      redis: { url: redis.url, keyPrefix: `${redis.keyPrefix}${name}:` },
      serviceEnv: {
        sync: { SYNC_UPLOAD_DIR: uploadDir },
        // A journey is a burst of one user's calls, not the abuse the limits are for.
        gateway: { RATE_LIMIT_USER_PER_MINUTE: '100000', RATE_LIMIT_IP_PER_MINUTE: '100000', RATE_LIMIT_LOGIN_PER_MINUTE: '1000' },
      },
    });
  } catch (error) {
    rmSync(uploadDir, { recursive: true, force: true });
    throw error;
  }
  return {
    platform,
    kafka,
    gatewayUrl: platform.gateway.url,
    outputTails(characters = 4_000) {
      return [...PLATFORM_SERVICES, 'gateway' as const].map((service) => `--- ${service}\n${platform.service(service).output().slice(-characters)}`).join('\n');
    },
    async stop() {
      await platform.stop();
      rmSync(uploadDir, { recursive: true, force: true });
    },
  };
}

/** Runs the tenant CLI the way `npm run tenant:create` does, against this run's database (or the permissions `databaseUrl` given). */
export function createTenant(options: {
  slug: string;
  admin: string;
  name: string;
  password: string;
  databaseUrl?: string;
}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', 'tools/tenant-create.ts', '--slug', options.slug, '--admin', options.admin, '--name', options.name],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', DATABASE_URL: options.databaseUrl ?? testDatabaseUrl('permissions'), TENANT_ADMIN_PASSWORD: options.password },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}
