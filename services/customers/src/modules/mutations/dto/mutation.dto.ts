import { MutationEnvelopeDto } from '@fieldforce/platform';

/** A customer's offline change as sync forwards it (the shared mutation envelope, entity `customer`). */
export class CustomerMutationDto extends MutationEnvelopeDto(['customer']) {}
