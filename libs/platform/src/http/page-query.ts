import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** Longest page any list answers: a larger `limit` is a 400 everywhere, never silently cut. */
export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

/** `?limit=` of a list: 1 to `max` (MAX_PAGE_SIZE unless a list documents a smaller bound). */
export function PageLimit(options: { max?: number; default?: number } = {}): PropertyDecorator {
  const max = options.max ?? MAX_PAGE_SIZE;
  return applyDecorators(
    ApiPropertyOptional({ minimum: 1, maximum: max, default: options.default ?? DEFAULT_PAGE_SIZE }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(max),
  );
}

/** `?cursor=` of a list: the opaque `nextCursor` of the previous page (what it decodes to is the list's business). */
export function PageCursor(maxLength = 500): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ description: 'nextCursor of the previous page' }),
    IsOptional(),
    IsString(),
    MaxLength(maxLength),
  );
}

/** `?cursor=&limit=`: the page part of every list query. */
export class PageQuery {
  @PageCursor() cursor?: string;
  @PageLimit() limit?: number;
}
