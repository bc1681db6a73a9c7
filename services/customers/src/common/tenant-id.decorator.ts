import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { CommonException } from '@fieldforce/platform';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const TENANT_HEADER = 'x-tenant-id';

/**
 * The tenant a request acts for. Walking skeleton: read from the `x-tenant-id` header until
 * libs/auth (permissions issue) takes it from the verified token's `tid` claim.
 */
export const TenantId = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const value = context.switchToHttp().getRequest<FastifyRequest>().headers[TENANT_HEADER];
  if (typeof value !== 'string' || !UUID.test(value)) {
    throw CommonException.validationFailed([{ field: TENANT_HEADER, message: 'header must be a tenant UUID' }]);
  }
  return value.toLowerCase();
});
