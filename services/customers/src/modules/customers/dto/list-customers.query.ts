import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsDate, IsInt, IsOptional, IsString, IsUUID, Length, Max, MaxLength, Min } from 'class-validator';
import { PageCursor, PageLimit } from '@fieldforce/platform';

/** Widest `near` search. */
export const MAX_NEAR_RADIUS_M = 500_000;

// A repeatable query parameter (`?tag=a&tag=b`) arrives as a string once and as an array after.
const asList = () => Transform(({ value }: { value: unknown }) => (value === undefined || Array.isArray(value) ? value : [value]));

/** The query of `GET /customers`: a page (cursor, limit) and filters that all must hold. */
export class ListCustomersQuery {
  @PageCursor()
  cursor?: string;

  @PageLimit()
  limit?: number;

  @ApiPropertyOptional({ type: [String], description: 'Any of these grades' })
  @IsOptional()
  @asList()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  grade?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Owned by any of these users' })
  @IsOptional()
  @asList()
  @ArrayMaxSize(100)
  @IsUUID(undefined, { each: true })
  ownerId?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Carries every one of these tags' })
  @IsOptional()
  @asList()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  tag?: string[];

  @ApiPropertyOptional({ description: 'Text found in the name or address (case-insensitive)' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  q?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Changed after this instant' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  updatedSince?: Date;

  @ApiPropertyOptional({ example: '52.52,13.40', description: 'lat,lng: only customers within radiusM, nearest first' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  near?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_NEAR_RADIUS_M, description: 'Required with near' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_NEAR_RADIUS_M)
  radiusM?: number;
}
