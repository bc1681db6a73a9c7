import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type as TB } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import {
  ArrayMaxSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateBy,
} from 'class-validator';
import { ACTION_REGEX, DATA_SCOPES, type DataScope, type FieldRule, ROLE_NAME_REGEX } from '@fieldforce/contracts';

const FIELD_NAME = '^[A-Za-z][A-Za-z0-9_.]{0,99}$';
const fieldRulesCheck = TypeCompiler.Compile(
  TB.Record(
    TB.String({ pattern: '^[a-z][a-z0-9-]{0,62}$' }),
    TB.Object(
      {
        unreadable: TB.Array(TB.String({ pattern: FIELD_NAME }), { maxItems: 200 }),
        unwritable: TB.Array(TB.String({ pattern: FIELD_NAME }), { maxItems: 200 }),
      },
      { additionalProperties: false },
    ),
    { maxProperties: 100 },
  ),
);

/** `{ <resource>: { unreadable: [<field>], unwritable: [<field>] } }` */
function IsFieldRules(): PropertyDecorator {
  return ValidateBy({
    name: 'isFieldRules',
    validator: {
      validate: (value) => fieldRulesCheck.Check(value),
      defaultMessage: () => 'must map resources (customer) to { unreadable: [field], unwritable: [field] }',
    },
  });
}

const fieldRulesExample = { customer: { unreadable: ['creditLimit'], unwritable: ['grade', 'creditLimit'] } };

export class CreateRoleDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Client-chosen id; a replayed create answers the same role' })
  @IsOptional()
  @IsUUID()
  id?: string;

  @ApiProperty({ example: 'key_account_manager', description: 'Lower-case words joined by _; cannot change later' })
  @Matches(ROLE_NAME_REGEX, { message: 'must be lower-case letters, digits and _, starting with a letter' })
  @Matches(/^.{1,63}$/, { message: 'must be at most 63 characters' })
  name!: string;

  @ApiProperty({ minimum: 0, maximum: 1000, example: 25, description: 'Sync conflict priority; at most your own rank' })
  @IsInt()
  @Min(0)
  @Max(1000)
  rank!: number;

  @ApiProperty({ enum: DATA_SCOPES })
  @IsIn(DATA_SCOPES)
  scope!: DataScope;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  requiresTotp?: boolean;

  @ApiProperty({ type: [String], example: ['customer:read', 'customer:update'] })
  @ArrayMaxSize(200)
  @Matches(ACTION_REGEX, { each: true, message: 'each action must be <resource>:<verb>, <resource>:* or *' })
  actions!: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: fieldRulesExample })
  @IsOptional()
  @IsFieldRules()
  fieldRules?: Record<string, FieldRule>;
}

/** Every property but the name, which roles keep for life. */
export class UpdateRoleDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 1000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  rank?: number;

  @ApiPropertyOptional({ enum: DATA_SCOPES })
  @IsOptional()
  @IsIn(DATA_SCOPES)
  scope?: DataScope;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  requiresTotp?: boolean;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @ArrayMaxSize(200)
  @Matches(ACTION_REGEX, { each: true, message: 'each action must be <resource>:<verb>, <resource>:* or *' })
  actions?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: fieldRulesExample })
  @IsOptional()
  @IsFieldRules()
  fieldRules?: Record<string, FieldRule>;
}
