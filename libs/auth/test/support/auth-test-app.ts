import { randomBytes } from 'node:crypto';
import { Body, Controller, Delete, Get, type DynamicModule, Module, Post, type Type } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { createMessagingTables } from '@fieldforce/messaging';
import { ObservabilityModule } from '@fieldforce/observability';
import { SnakeNamingStrategy } from '@fieldforce/persistence';
import { BaseServiceEnv, createServiceApp, loadConfig, type ServiceConfig, toServiceConfig } from '@fieldforce/platform';
import { testAdminUrl, type TestJwks } from '@fieldforce/testing';
import {
  type AccessPolicy,
  AllowPendingSecondFactor,
  type AuthConfig,
  type AuthenticatedUser,
  AuthModule,
  authProblems,
  createRolePoliciesTable,
  CurrentPolicy,
  CurrentUser,
  Public,
  RequireAction,
  toAuthConfig,
  withAuthEnv,
} from '../../src';

/** A customer as the policy engine sees it in these tests. */
export const SAMPLE_CUSTOMER = { id: 'c-1', name: 'Corner Pharmacy', grade: 'A', creditLimit: 25000, ownerId: null };

@Controller('things')
class ThingsController {
  @Get()
  whoAmI(@CurrentUser() user: AuthenticatedUser): AuthenticatedUser {
    return user;
  }

  @Public()
  @Get('public')
  open(): { open: boolean } {
    return { open: true };
  }

  @RequireAction('customer:delete')
  @Delete(':id')
  remove(): { deleted: boolean } {
    return { deleted: true };
  }

  @Get('customer')
  customer(@CurrentPolicy() policy: AccessPolicy): Partial<typeof SAMPLE_CUSTOMER> {
    return policy.maskReadable('customer', SAMPLE_CUSTOMER);
  }

  @Post('customer')
  write(@CurrentPolicy() policy: AccessPolicy, @Body() changes: Record<string, unknown>): Record<string, unknown> {
    policy.assertWritable('customer', changes);
    return changes;
  }
}

@Controller('api/v1/me')
class MeController {
  @AllowPendingSecondFactor()
  @Get()
  me(@CurrentUser() user: AuthenticatedUser, @CurrentPolicy() policy: AccessPolicy): object {
    return { userId: user.userId, rules: policy.effectiveRules() };
  }
}

class AuthTestEnv extends withAuthEnv(BaseServiceEnv) {
  override PORT = 3997;
}

export type AuthTestConfig = ServiceConfig & { auth: AuthConfig };

/** A service config over this run's database, with tokens verified against `jwks`. */
export function authTestConfig(jwks: TestJwks): AuthTestConfig {
  return loadConfig(AuthTestEnv, (env) => ({ ...toServiceConfig('authtest', env), auth: toAuthConfig(env) }), {
    DATABASE_URL: testAdminUrl(),
    LOG_LEVEL: 'silent',
    ...jwks.env(),
  });
}

/** A schema of its own in this run's database with `role_policies` (and, on request, outbox and inbox). */
export interface AuthTestSchema {
  name: string;
  admin: DataSource;
  drop(): Promise<void>;
}

export async function createAuthTestSchema(label: string, options: { messaging?: boolean } = {}): Promise<AuthTestSchema> {
  const name = `authtest_${label}_${randomBytes(4).toString('hex')}`;
  const admin = await new DataSource({ type: 'postgres', url: testAdminUrl(), poolSize: 4 }).initialize();
  await admin.query(`CREATE SCHEMA ${name}`);
  const queryRunner = admin.createQueryRunner();
  try {
    await createRolePoliciesTable(queryRunner, name);
    if (options.messaging) await createMessagingTables(queryRunner, name);
  } finally {
    await queryRunner.release();
  }
  return {
    name,
    admin,
    drop: async () => {
      await admin.query(`DROP SCHEMA ${name} CASCADE`);
      await admin.destroy();
    },
  };
}

/** TypeORM options of a service whose schema is `schema`. */
export function typeOrmRoot(schema: string): DynamicModule {
  return TypeOrmModule.forRoot({
    type: 'postgres',
    url: testAdminUrl(),
    schema,
    namingStrategy: new SnakeNamingStrategy(),
    autoLoadEntities: true,
    retryAttempts: 0,
    extra: { options: `-c search_path=${schema},public` },
  });
}

export interface AuthTestAppOptions {
  schema: string;
  config: AuthTestConfig;
  /** Modules the app needs besides persistence and auth (messaging for role events). */
  imports?: (Type<unknown> | DynamicModule)[];
  rolePolicyEvents?: boolean;
}

/** A tiny service on Fastify guarded by AuthModule, with health and metrics from observability. */
export async function startAuthTestApp(options: AuthTestAppOptions): Promise<NestFastifyApplication> {
  @Module({
    imports: [
      typeOrmRoot(options.schema),
      ObservabilityModule.forService({ service: 'authtest' }),
      ...(options.imports ?? []),
      AuthModule.forRoot(options.config.auth, { rolePolicyEvents: options.rolePolicyEvents ?? false }),
    ],
    controllers: [ThingsController, MeController],
  })
  class AuthTestAppModule {}

  return createServiceApp(AuthTestAppModule, options.config, {
    openApi: { title: 'auth test', version: 'test' },
    problemMappings: [authProblems],
  });
}
