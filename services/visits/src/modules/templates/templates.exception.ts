import { DomainException, type FieldError, mapDomainErrors } from '@fieldforce/platform';

export enum TemplateErrorCode {
  NotFound = 'TEMPLATE_NOT_FOUND',
  InvalidSteps = 'TEMPLATE_INVALID_STEPS',
  /** Another template of the tenant already applies to one of the grades. */
  GradeTaken = 'TEMPLATE_GRADE_TAKEN',
  /** The If-Match version is not the template's current one. */
  VersionMismatch = 'TEMPLATE_VERSION_MISMATCH',
}

export class TemplateException extends DomainException<TemplateErrorCode> {
  static notFound(id: string, version?: number): TemplateException {
    const what = version === undefined ? `visit template ${id}` : `version ${version} of visit template ${id}`;
    return new TemplateException(TemplateErrorCode.NotFound, `${what} not found`, { details: { id, version } });
  }

  static invalidSteps(errors: FieldError[]): TemplateException {
    return new TemplateException(TemplateErrorCode.InvalidSteps, 'the template steps are invalid', { errors });
  }

  static gradeTaken(grades: string[]): TemplateException {
    return new TemplateException(
      TemplateErrorCode.GradeTaken,
      `another visit template already applies to grade ${grades.join(', ')}; one template per grade decides its visits`,
      { details: { grades } },
    );
  }

  static versionMismatch(id: string, current: number): TemplateException {
    return new TemplateException(TemplateErrorCode.VersionMismatch, `visit template ${id} is at version ${current}`, {
      details: { id, currentVersion: current },
    });
  }
}

export const templateProblems = mapDomainErrors(TemplateException, (code: TemplateErrorCode) => {
  switch (code) {
    case TemplateErrorCode.NotFound:
      return { status: 404, title: 'Visit template not found' };
    case TemplateErrorCode.InvalidSteps:
      return { status: 422, title: 'Invalid template steps' };
    case TemplateErrorCode.GradeTaken:
      return { status: 409, title: 'Grade already covered' };
    case TemplateErrorCode.VersionMismatch:
      return { status: 412, title: 'Version mismatch' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped template error code ${String(unmapped)}`);
    }
  }
});
