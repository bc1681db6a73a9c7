import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { PageQuery } from '@fieldforce/platform';

export class CreateOrgUnitDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Client-chosen id; a replayed create answers the same unit' })
  @IsOptional()
  @IsUUID()
  id?: string;

  @ApiProperty({ example: 'Berlin North' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ format: 'uuid', description: 'The parent unit; the root exists from tenant creation' })
  @IsUUID()
  parentId!: string;
}

/** Rename, or move under another parent with the whole subtree (its users follow). */
export class UpdateOrgUnitDto {
  @ApiPropertyOptional({ example: 'Berlin North-East' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'New parent: moves the unit and everything under it' })
  @IsOptional()
  @IsUUID()
  parentId?: string;
}

export class OrgUnitQueryDto extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only the direct children of this unit' })
  @IsOptional()
  @IsUUID()
  parentId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'This unit and everything under it' })
  @IsOptional()
  @IsUUID()
  under?: string;
}
