import { type DynamicModule, type Type, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import { ConfigModule } from '../config/config.module';
import { type ServiceConfig } from '../config/service-config';
import { PROBLEM_CONTENT_TYPE, ProblemDetailsFilter } from '../errors/problem-details.filter';
import { type DomainProblemMapping } from '../errors/problem-mapping';
import { CommonException } from '../errors/common.exception';
import { createValidationPipe } from '../errors/validation';
import { invalidJsonText, invalidUrlText } from '../http/request-text';
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

  const problems = new ProblemDetailsFilter(options.problemMappings);
  const adapter = new FastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    genReqId: requestIdOf,
    logger: false,
    // The router's own refusals (a path it cannot decode, a parameter too long) are problems too.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      void reply
        .status(error.statusCode ?? 400)
        .header('content-type', PROBLEM_CONTENT_TYPE)
        .send(problems.render(error, request));
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(ServiceRootModule, adapter, {
    bufferLogs: true,
    abortOnError: false,
    // JSON is parsed by the parser below, which also checks what the body holds.
    bodyParser: false,
  });
  // Start-up lines were buffered until ObservabilityModule (if imported) installed its logger; Nest itself flushes only on listen.
  app.flushLogs();

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    // Text that is not text (bad percent-escapes, NUL) is refused before any route reads it.
    const badUrl = invalidUrlText(request.raw.url ?? '');
    if (!badUrl) return;
    const problem = problems.render(CommonException.validationFailed([badUrl]), request);
    return reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
  });
  // Fastify's JSON parsing (prototype poisoning refused), then limits on what the parsed body holds.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // parseAs 'string' hands the body over as a string.
    void parseJson(request, body as string, (error, value) => {
      if (error) return done(error, undefined);
      const badText = invalidJsonText(value);
      return badText ? done(CommonException.validationFailed([badText]), undefined) : done(null, value);
    });
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(problems);
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
