import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsUUID } from 'class-validator';

/** `POST /api/v1/visit-tasks/:id/report`: the answers by step key, checked against the task's template version. */
export class SubmitReportDto {
  @ApiPropertyOptional({ description: 'Client-chosen report id (offline); defaults to a new UUIDv7' })
  @IsOptional()
  @IsUUID()
  id?: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'object' },
    description:
      'By step key: photo {photoUploadIds}, form {values: {fieldKey: value}}, inventory {items: [{product, quantity, facings?}]}, ' +
      'order {lines: [{product, quantity}]}, signature {uploadId, signerName}. Check-in and check-out steps come from the check-ins.',
    example: { shelf: { photoUploadIds: ['0190d6b0-8888-7888-8888-888888888888'] }, survey: { values: { stock: 120, mood: 'good' } } },
  })
  @IsObject()
  answers!: Record<string, unknown>;
}
