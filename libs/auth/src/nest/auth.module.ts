import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EventSubscriptions } from '@fieldforce/messaging';
import { type AuthConfig } from '../config/auth-config';
import { RolePolicyEntity } from '../policy/role-policy.entity';
import { RolePolicyStore } from '../policy/role-policy.store';
import { subscribeToRolePolicies } from '../policy/role-policy.subscriber';
import { AccessTokenVerifier } from '../token/access-token-verifier';
import { AuthGuard } from './auth.guard';
import { AUTH_OPTIONS, type AuthModuleOptions, DEFAULT_PUBLIC_PATHS, type ResolvedAuthOptions } from './auth.options';

/** Listens for policy changes while the app runs. */
@Injectable()
class RolePolicyLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(private readonly store: RolePolicyStore) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.store.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.store.stop();
  }
}

/** Registers the role event consumer with the service's messaging. */
@Injectable()
class RolePolicyFeed implements OnModuleInit {
  constructor(
    private readonly subscriptions: EventSubscriptions,
    private readonly store: RolePolicyStore,
  ) {}

  onModuleInit(): void {
    subscribeToRolePolicies(this.subscriptions, this.store);
  }
}

/**
 * Authentication and authorization for a service: the global `AuthGuard`, the token verifier,
 * and the local role policy store fed by role events. Needs the service's TypeORM connection
 * (PersistenceModule) and, for the role events, its MessagingModule.
 */
@Module({})
export class AuthModule {
  static forRoot(config: AuthConfig, options: AuthModuleOptions = {}): DynamicModule {
    const resolved: ResolvedAuthOptions = {
      config,
      publicPaths: options.publicPaths ?? DEFAULT_PUBLIC_PATHS,
      rolePolicyEvents: options.rolePolicyEvents ?? true,
      policyCacheTtlMs: options.policyCacheTtlMs,
    };
    const providers: Provider[] = [
      { provide: AUTH_OPTIONS, useValue: resolved },
      { provide: AccessTokenVerifier, useFactory: () => new AccessTokenVerifier(config) },
      {
        provide: RolePolicyStore,
        inject: [DataSource],
        useFactory: (dataSource: DataSource) => new RolePolicyStore({ dataSource, cacheTtlMs: options.policyCacheTtlMs }),
      },
      RolePolicyLifecycle,
      ...(resolved.rolePolicyEvents ? [RolePolicyFeed] : []),
      { provide: APP_GUARD, useClass: AuthGuard },
    ];
    return {
      module: AuthModule,
      global: true,
      imports: [TypeOrmModule.forFeature([RolePolicyEntity])],
      providers,
      exports: [AccessTokenVerifier, RolePolicyStore, AUTH_OPTIONS],
    };
  }
}
