import { type DynamicModule, type Type, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ConfigModule } from '../config/config.module';
import { type ServiceConfig } from '../config/service-config';
import { ProblemDetailsFilter } from '../errors/problem-details.filter';
import { type DomainProblemMapping } from '../errors/problem-mapping';
import { createValidationPipe } from '../errors/validation';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id';

export type ServiceModule = Type<unknown> | DynamicModule;

export interface ServiceAppOptions {
  openApi: { title: string; version: string; description?: string };
  /** The service's code-to-status mappings, one per feature exception class. */
  problemMappings?: readonly DomainProblemMapping[];
}

export const OPENAPI_PATH = '/openapi.json';

/**
 * Creates the service's Nest app on Fastify with everything services share: config provider,
 * request ids, problem+json errors, the validating pipe, CORS, shutdown hooks and `/openapi.json`.
 * The app is initialised but not listening.
 */
export async function createServiceApp(
  appModule: ServiceModule,
  config: ServiceConfig,
  options: ServiceAppOptions,
): Promise<NestFastifyApplication> {
  @Module({ imports: [ConfigModule.forRoot(config), appModule] })
  class ServiceRootModule {}

  const adapter = new FastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    genReqId: requestIdOf,
    logger: false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(ServiceRootModule, adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  // Start-up lines were buffered until ObservabilityModule (if imported) installed its logger; Nest itself flushes only on listen.
  app.flushLogs();

  app.getHttpAdapter().getInstance().addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter(options.problemMappings));
  if (config.http.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.http.corsOrigins.includes('*') ? true : config.http.corsOrigins,
      exposedHeaders: [REQUEST_ID_HEADER, 'etag'],
    });
  }
  app.enableShutdownHooks();

  const openApiConfig = new DocumentBuilder()
    .setTitle(options.openApi.title)
    .setVersion(options.openApi.version)
    .setDescription(options.openApi.description ?? '')
    .build();
  const document = SwaggerModule.createDocument(app, openApiConfig);
  app.getHttpAdapter().getInstance().get(OPENAPI_PATH, async () => document);

  await app.init();
  return app;
}
