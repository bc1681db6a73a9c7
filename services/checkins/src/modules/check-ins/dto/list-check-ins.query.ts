import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { CHECK_IN_STATUSES, type CheckInStatus } from '@fieldforce/contracts';
import { PageCursor, PageLimit } from '@fieldforce/platform';


/** `GET /api/v1/check-ins` filters and page. */
export class ListCheckInsQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  taskId?: string;

  @ApiPropertyOptional({ enum: CHECK_IN_STATUSES })
  @IsOptional()
  @IsIn(CHECK_IN_STATUSES)
  status?: CheckInStatus;

  @ApiPropertyOptional({ format: 'date-time', description: 'Checked in at or after' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Checked in before' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @PageCursor(200)
  cursor?: string;

  @PageLimit()
  limit?: number;
}
