import { ApiProperty } from '@nestjs/swagger';
import { IsTimeZone } from 'class-validator';

/** The tenant's visit settings: the IANA time zone its weeks, months and due dates are counted in. */
export class VisitSettingsDto {
  @ApiProperty({ example: 'Europe/Berlin', description: 'IANA time zone name; UTC until set' })
  @IsTimeZone()
  timeZone!: string;
}
