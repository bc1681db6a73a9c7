import { ApiProperty } from '@nestjs/swagger';
import { MutationEnvelopeDto, NestedObject } from '@fieldforce/platform';
import { CheckOutDto } from '../../check-ins/dto/check-in-point.dto';

/** A check-in's offline change as sync forwards it (the shared mutation envelope, entity `check-in`). */
export class CheckInMutationDto extends MutationEnvelopeDto(['check-in']) {}

/** The `changes` of an `update`: the check-out, as `POST /api/v1/check-ins/:id/check-out` takes it. */
export class CheckInUpdateChangesDto {
  @ApiProperty({ type: CheckOutDto })
  @NestedObject(() => CheckOutDto)
  checkOut!: CheckOutDto;
}
