// Two projects: unit (*.spec.ts, pure and fast) and integration (*.int-spec.ts, against the
// real Postgres, Redis and the dev Kafka broker that libs/testing's global setup provides).
const swcTransform = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];
const moduleNameMapper = { '^@fieldforce/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts' };
const roots = ['<rootDir>/libs', '<rootDir>/services', '<rootDir>/e2e', '<rootDir>/tools', '<rootDir>/examples', '<rootDir>/deploy'];
// otplib's default plugins load @scure/base and @noble/hashes, which ship ES modules only: jest
// must compile those to CommonJS (Node itself requires them natively).
// The OTLP exporter loads node:http with a dynamic import(), which jest's module system refuses
// without --experimental-vm-modules: compiled, it becomes a require.
const esmOnlyPackages = ['@scure', '@noble', '@opentelemetry/otlp-exporter-base'];
const common = {
  transform: { '^.+\\.ts$': swcTransform, [`/node_modules/(${esmOnlyPackages.join('|')})/.+\\.js$`]: swcTransform },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyPackages.join('|')})/)`],
  moduleNameMapper,
  testEnvironment: 'node',
  roots,
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['**/*.int-spec.ts', '**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/jest/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/jest/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/jest/integration-timeout.ts'],
    },
  ],
};
