import { DomainException, type FieldError, mapDomainErrors } from '@fieldforce/platform';

export enum CustomerSettingsErrorCode {
  /** The new grade list leaves out grades that live customers still have. */
  GradesInUse = 'CUSTOMER_SETTINGS_GRADES_IN_USE',
  /** The grades or custom field definitions are well-formed but cannot be a tenant's. */
  InvalidSettings = 'CUSTOMER_SETTINGS_INVALID',
}

export class CustomerSettingsException extends DomainException<CustomerSettingsErrorCode> {
  static gradesInUse(inUse: ReadonlyMap<string, number>): CustomerSettingsException {
    const grades = [...inUse.keys()];
    return new CustomerSettingsException(
      CustomerSettingsErrorCode.GradesInUse,
      `grades ${grades.join(', ')} are still given to customers; regrade those customers before removing them`,
      {
        details: { grades, customers: Object.fromEntries(inUse) },
        errors: grades.map((grade) => ({ field: 'grades', message: `${grade} is the grade of ${inUse.get(grade)} customers` })),
      },
    );
  }

  static invalid(errors: FieldError[]): CustomerSettingsException {
    return new CustomerSettingsException(
      CustomerSettingsErrorCode.InvalidSettings,
      `invalid customer settings: ${errors.map((error) => `${error.field} ${error.message}`).join('; ')}`,
      { errors },
    );
  }
}

export const customerSettingsProblems = mapDomainErrors(CustomerSettingsException, (code: CustomerSettingsErrorCode) => {
  switch (code) {
    case CustomerSettingsErrorCode.GradesInUse:
      return { status: 409, title: 'Grades in use' };
    case CustomerSettingsErrorCode.InvalidSettings:
      return { status: 422, title: 'Invalid customer settings' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped customer settings error code ${String(unmapped)}`);
    }
  }
});
