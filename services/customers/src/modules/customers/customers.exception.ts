import { DomainException, type FieldError, mapDomainErrors } from '@fieldforce/platform';

export enum CustomerErrorCode {
  NotFound = 'CUSTOMER_NOT_FOUND',
  /** A create reused an existing customer's id with different content. */
  AlreadyExists = 'CUSTOMER_ALREADY_EXISTS',
  ExternalIdTaken = 'CUSTOMER_EXTERNAL_ID_TAKEN',
  /** The owner named is no active user of the tenant in the caller's data scope. */
  OwnerUnknown = 'CUSTOMER_OWNER_UNKNOWN',
  /** Well-formed fields that break the tenant's customer settings (a grade not in its list, custom fields off their definitions). */
  InvalidFields = 'CUSTOMER_INVALID_FIELDS',
}

export class CustomerException extends DomainException<CustomerErrorCode> {
  static notFound(id: string): CustomerException {
    return new CustomerException(CustomerErrorCode.NotFound, `customer ${id} not found`, { details: { id } });
  }

  /** Some of the customers a bulk write names are missing or out of scope; nothing was written. */
  static notFoundAmong(ids: string[]): CustomerException {
    return new CustomerException(CustomerErrorCode.NotFound, `customers not found: ${ids.join(', ')}`, { details: { ids } });
  }

  static alreadyExists(id: string): CustomerException {
    return new CustomerException(
      CustomerErrorCode.AlreadyExists,
      `customer ${id} already exists with other data; read it and update it instead`,
      { details: { id } },
    );
  }

  /** Another live customer has the externalId (`undefined`: the customer's own, taken while it was deleted). */
  static externalIdTaken(externalId: string | undefined): CustomerException {
    return new CustomerException(
      CustomerErrorCode.ExternalIdTaken,
      externalId === undefined
        ? 'another customer of this tenant took the externalId of this customer while it was deleted'
        : `another customer of this tenant already has externalId ${externalId}`,
      { errors: [{ field: 'externalId', message: 'is already used by another customer' }] },
    );
  }

  static invalidFields(errors: FieldError[]): CustomerException {
    return new CustomerException(
      CustomerErrorCode.InvalidFields,
      `customer fields break this tenant's settings: ${errors.map((error) => `${error.field} ${error.message}`).join('; ')}`,
      { errors },
    );
  }

  static ownerUnknown(ownerId: string): CustomerException {
    return new CustomerException(
      CustomerErrorCode.OwnerUnknown,
      `user ${ownerId} cannot own customers you manage: not an active user of your tenant within your data scope`,
      { errors: [{ field: 'ownerId', message: 'is not an active user within your data scope' }] },
    );
  }
}

export const customerProblems = mapDomainErrors(CustomerException, (code: CustomerErrorCode) => {
  switch (code) {
    case CustomerErrorCode.NotFound:
      return { status: 404, title: 'Customer not found' };
    case CustomerErrorCode.AlreadyExists:
      return { status: 409, title: 'Customer already exists' };
    case CustomerErrorCode.ExternalIdTaken:
      return { status: 409, title: 'External id already used' };
    case CustomerErrorCode.OwnerUnknown:
      return { status: 422, title: 'Unknown owner' };
    case CustomerErrorCode.InvalidFields:
      return { status: 422, title: 'Invalid customer fields' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped customer error code ${String(unmapped)}`);
    }
  }
});
