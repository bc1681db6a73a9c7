import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { type DataScope, type FieldRule } from '@fieldforce/contracts';
import { RoleResponse } from '../../roles/dto/role.response';
import { UserResponse } from '../../users/dto/user.response';

export class LoginDto {
  @ApiProperty({ example: 'demo', description: "The tenant's slug" })
  @IsString()
  @Length(1, 63)
  tenant!: string;

  @ApiProperty({ example: 'admin' })
  @IsString()
  @Length(1, 100)
  username!: string;

  // No minimum: a policy hint here would tell an attacker which guesses are pointless.
  @ApiProperty({ example: 'fieldforce-demo', writeOnly: true })
  @IsString()
  @Length(1, 256)
  password!: string;

  @ApiPropertyOptional({ example: '123456', description: 'The current TOTP code, for accounts with TOTP' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'must be the 6 digits of the authenticator app' })
  totp?: string;

  @ApiProperty({ example: 'pixel-8-4f2a', description: 'Stable id of the device; carried in the token' })
  @IsString()
  @Length(1, 200)
  deviceId!: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token of the last login or refresh' })
  @IsString()
  @Length(1, 200)
  refreshToken!: string;
}

export class TotpVerifyDto {
  @ApiProperty({ example: '123456' })
  @Matches(/^\d{6}$/, { message: 'must be the 6 digits of the authenticator app' })
  code!: string;
}

export class TokensResponse {
  @ApiProperty({ description: 'ES256 JWT; send as Authorization: Bearer' }) accessToken!: string;
  @ApiProperty({ description: 'Opaque; exchange at /api/v1/auth/refresh, once' }) refreshToken!: string;
  @ApiProperty({ description: 'Seconds until the access token expires', example: 900 }) expiresIn!: number;
  @ApiProperty({ description: 'Seconds until the refresh token expires' }) refreshExpiresIn!: number;
  @ApiProperty({ description: 'The user must enrol in TOTP: the token opens only /api/v1/auth/totp/* and /api/v1/me' })
  totpEnrolmentRequired!: boolean;
}

export class LoginResponse extends TokensResponse {
  @ApiProperty({ type: UserResponse }) user!: UserResponse;
}

export class TotpSetupResponse {
  @ApiProperty({ description: 'Base32 secret, for manual entry' }) secret!: string;
  @ApiProperty({ description: 'otpauth:// URI, for a QR code' }) otpauthUri!: string;
}

/** What the mobile app needs to shape its screens: who the user is and what they may see and do. */
export class MeResponse {
  @ApiProperty({ type: UserResponse }) user!: UserResponse;
  @ApiProperty({ type: [RoleResponse] }) roles!: RoleResponse[];
  @ApiProperty({ enum: ['own', 'team', 'region', 'all'] }) scope!: DataScope;
  @ApiProperty() rank!: number;
  @ApiProperty({ type: [String] }) actions!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Per resource, the fields the user may not read / write' })
  fieldRules!: Record<string, FieldRule>;
  @ApiProperty() totpEnrolmentRequired!: boolean;
}
