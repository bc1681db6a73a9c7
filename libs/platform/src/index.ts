export {
  BaseServiceEnv,
  LOG_LEVELS,
  type LogLevel,
  NODE_ENVIRONMENTS,
  type NodeEnvironment,
  TRACES_EXPORTERS,
  type TracesExporter,
} from './config/base-service-env';
export { ConfigModule, InjectConfig, SERVICE_CONFIG } from './config/config.module';
export { ConfigError, type EnvSource, loadConfig } from './config/load-config';
export {
  DEV_KAFKA_BROKER,
  type RedisConfig,
  type ServiceConfig,
  type TracingConfig,
  toServiceConfig,
} from './config/service-config';
export {
  CommonErrorCode,
  CommonException,
  commonProblem,
} from './errors/common.exception';
export {
  DomainException,
  type DomainExceptionOptions,
  type FieldError,
  isDomainException,
} from './errors/domain.exception';
export { PROBLEM_CONTENT_TYPE, type ProblemDetails, ProblemDetailsFilter } from './errors/problem-details.filter';
export {
  type DomainProblemMapping,
  type ProblemMapping,
  mapDomainErrors,
  problemType,
} from './errors/problem-mapping';
export {
  IDEMPOTENCY_KEY_HEADER,
  IdempotencyKey,
  type IdempotencyKeyHeader,
  idempotencyKeyOf,
  requestFingerprint,
} from './http/idempotency-key';
export { type IfMatchOptions, entityTag, ifMatchVersion } from './http/if-match';
export { createValidationPipe, NestedObject, toFieldErrors } from './errors/validation';
export {
  OPENAPI_PATH,
  type ServiceAppOptions,
  type ServiceModule,
  createServiceApp,
} from './bootstrap/create-service-app';
export { REQUEST_ID_HEADER, requestIdOf } from './bootstrap/request-id';
export { type RunServiceOptions, runService } from './bootstrap/run-service';
export { InjectRedis, REDIS_CLIENT, RedisModule, createRedisClient } from './redis/redis.module';
export { LeaderLock, type LeaderLockOptions } from './redis/leader-lock';
export { invalidJsonText, invalidUrlText, MAX_JSON_DEPTH } from './http/request-text';
export {
  MUTATION_OPS,
  MUTATION_STATUSES,
  type MutationEnvelope,
  MutationEnvelopeDto,
  type MutationOp,
  type MutationResult,
  type MutationStatus,
  changesAs,
  requireMutationKey,
} from './mutations/mutation-envelope';
export {
  DEFAULT_UPLOADS_URL,
  type UploadsConfig,
  type UploadsEnvVariables,
  toUploadsConfig,
  withUploadsEnv,
} from './uploads/uploads-config';
export {
  type UploadRejection,
  UPLOADS_RETRY_AFTER_SECONDS,
  UploadVerificationErrorCode,
  UploadVerificationException,
  uploadVerificationProblems,
} from './uploads/upload-verification.exception';
export {
  type UploadCaller,
  type UploadReference,
  UploadVerifier,
  type VerifiedUpload,
  type VerifiedUploadsOf,
} from './uploads/upload-verifier';
export { UploadsModule } from './uploads/uploads.module';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageCursor, PageLimit, PageQuery } from './http/page-query';
