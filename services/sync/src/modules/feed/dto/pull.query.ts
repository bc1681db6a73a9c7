import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageLimit } from '@fieldforce/platform';

/** Client ids are chosen by the app (a per-install id): printable, no spaces. */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9._:-]{1,200}$/;

/** `GET /api/v1/sync/pull`: where to go on from, and how much. */
export class PullQuery {
  @ApiPropertyOptional({ description: 'The cursor of the previous pull; none (or empty) for an initial sync' })
  // `?cursor=` is how many clients say "no cursor".
  @Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value))
  @IsOptional()
  @IsString()
  @MaxLength(8_000)
  cursor?: string;

  @PageLimit()
  limit?: number;

  @ApiPropertyOptional({ description: 'The app install pulling (default: the token’s deviceId); status reports its last cursor' })
  @IsOptional()
  @Matches(CLIENT_ID_PATTERN, { message: 'clientId must be 1 to 200 letters, digits or . _ : -' })
  clientId?: string;
}

/** `GET /api/v1/sync/status`. */
export class StatusQuery {
  @ApiPropertyOptional({ description: 'The app install asking (default: the token’s deviceId)' })
  @IsOptional()
  @Matches(CLIENT_ID_PATTERN, { message: 'clientId must be 1 to 200 letters, digits or . _ : -' })
  clientId?: string;
}
