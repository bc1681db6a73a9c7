import { type DynamicModule, Inject, Module } from '@nestjs/common';

/** The injection token of the service's validated config object. */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');

/** Injects the service's config: `@InjectConfig() private readonly config: CustomersConfig`. */
export const InjectConfig = (): ParameterDecorator & PropertyDecorator => Inject(SERVICE_CONFIG);

/** Provides the already-loaded config to the whole app under `SERVICE_CONFIG`. */
@Module({})
export class ConfigModule {
  static forRoot<TConfig extends object>(config: TConfig): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [{ provide: SERVICE_CONFIG, useValue: config }],
      exports: [SERVICE_CONFIG],
    };
  }
}
