import { matchesPublicPath } from './auth.guard';
import { DEFAULT_PUBLIC_PATHS } from './auth.options';

describe(matchesPublicPath.name, () => {
  it('opens health, metrics and the OpenAPI document', () => {
    for (const path of ['/health/live', '/health/ready', '/metrics', '/openapi.json']) {
      expect(matchesPublicPath(path, DEFAULT_PUBLIC_PATHS)).toBe(true);
    }
  });

  it('keeps everything else closed, including look-alike paths', () => {
    for (const path of ['/api/v1/customers', '/healthz', '/health', '/metrics/secret', '/openapi.json.bak', '']) {
      expect(matchesPublicPath(path, DEFAULT_PUBLIC_PATHS)).toBe(false);
    }
  });
});
