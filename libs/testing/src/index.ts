export {
  type TestDataSourceOptions,
  type TestDatabase,
  createTestDataSource,
  createTestDatabase,
  sessionsWaitingInTransaction,
  testAdminUrl,
  testDatabaseUrl,
} from './test-database';
export { assertTestDatabaseName, testDatabaseFromUrl } from './test-database-guard';
export { type TestKafka, type TestRedis, testKafka, testRedis, testRunId } from './test-environment';
export { type CollectedRecord, KafkaTopicCollector } from './kafka-collector';
export { eventually, TestEventPublisher } from './event-publisher';
export { type ServiceProcess, freePort, startServiceProcess } from './service-process';
export { type TestAccessClaims, type TestSignOptions, type TestTokenClaims, TestJwks, signTestToken, testAccessClaims, testJwks } from './auth';
export { type CollectedSpan, OtlpCollector, type OtlpRequest } from './otlp-collector';
export { type SyncUploads, startSyncUploads, whileSyncFrozen } from './sync-uploads';
export { type Platform, type PlatformOptions, type PlatformService, PLATFORM_SERVICES, startPlatform } from './platform';
export { BrokerProcess, runDbSetup, runWorkspaceScript } from './workspace-processes';
export { type ServiceDefinition, type ServiceTestApp, type ServiceTestAppOptions, startServiceTestApp } from './service-test-app';
