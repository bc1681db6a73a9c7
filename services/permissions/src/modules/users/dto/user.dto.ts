import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
} from 'class-validator';
import { ROLE_NAME_REGEX } from '@fieldforce/contracts';
import { PageQuery } from '@fieldforce/platform';

/** Usernames: letters, digits and `._@-`, compared without case (stored lower-case). */
export const USERNAME_REGEX = /^[a-z0-9][a-z0-9._@-]{0,99}$/;
export const PASSWORD_LENGTH = { min: 8, max: 256 } as const;

const lowerCase = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim().toLowerCase() : value);
const booleanQuery = ({ value }: { value: unknown }): unknown => (value === 'true' ? true : value === 'false' ? false : value);

export class CreateUserDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Client-chosen id; a replayed create answers the same user' })
  @IsOptional()
  @IsUUID()
  id?: string;

  @ApiProperty({ example: 'mara.lind' })
  @Transform(lowerCase)
  @Matches(USERNAME_REGEX, { message: 'must be 1-100 letters, digits or ._@- starting with a letter or digit' })
  username!: string;

  @ApiProperty({ minLength: PASSWORD_LENGTH.min, maxLength: PASSWORD_LENGTH.max, writeOnly: true })
  @IsString()
  @Length(PASSWORD_LENGTH.min, PASSWORD_LENGTH.max)
  password!: string;

  @ApiProperty({ example: 'Mara Lind' })
  @IsString()
  @Length(1, 200)
  displayName!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  orgUnitId!: string;

  @ApiProperty({ type: [String], example: ['rep'] })
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @Matches(ROLE_NAME_REGEX, { each: true, message: 'each role must be a role name such as rep' })
  roles!: string[];
}

/**
 * Changes to a user: `orgUnitId` moves them, `roles` replaces their roles, `active: false`
 * deactivates and ends every session, `totpEnabled: false` resets their second factor.
 */
export class UpdateUserDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  displayName?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  orgUnitId?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @Matches(ROLE_NAME_REGEX, { each: true, message: 'each role must be a role name such as rep' })
  roles?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ enum: [false], description: 'false resets TOTP (a lost phone): the user enrols again at the next login' })
  @IsOptional()
  @IsIn([false], { message: 'can only be set to false (the user enrols again themself)' })
  totpEnabled?: false;

  @ApiPropertyOptional({ minLength: PASSWORD_LENGTH.min, maxLength: PASSWORD_LENGTH.max, writeOnly: true, description: 'Sets a new password' })
  @IsOptional()
  @IsString()
  @Length(PASSWORD_LENGTH.min, PASSWORD_LENGTH.max)
  password?: string;
}

export class UserQueryDto extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Users of this unit only' })
  @IsOptional()
  @IsUUID()
  orgUnitId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Users of this unit and every unit under it' })
  @IsOptional()
  @IsUUID()
  under?: string;

  @ApiPropertyOptional({ example: 'rep' })
  @IsOptional()
  @Matches(ROLE_NAME_REGEX)
  role?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(booleanQuery)
  @IsBoolean()
  active?: boolean;
}
