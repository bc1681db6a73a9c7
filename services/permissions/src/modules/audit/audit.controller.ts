import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { pageRequest } from '../../common/pagination';
import { Authenticated, CurrentCaller, RequireAction } from '../access/access.decorators';
import { type Caller } from '../access/caller';
import { AuditService } from './audit.service';
import { AuditPageResponse } from './dto/audit-entry.response';
import { AuditQueryDto } from './dto/audit-query.dto';

@ApiTags('audit')
@Authenticated()
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequireAction('audit:read')
  @ApiOkResponse({ type: AuditPageResponse, description: 'Changes of users, roles and org units, newest first' })
  list(@CurrentCaller() caller: Caller, @Query() query: AuditQueryDto): Promise<AuditPageResponse> {
    return this.audit.list(caller.tenantId, { entity: query.entity, entityId: query.entityId }, pageRequest(query));
  }
}
